//! Cheap spans: where a syntax node starts and ends, without printing it.
//!
//! `syn::spanned::Spanned::span` prints the whole node back into a token
//! stream (a deep copy) and joins the first and last tokens' spans. On every
//! item and call of a large crate that costs about as much as parsing it
//! again, and on a chain `a.b().c().d()` it is quadratic. The functions here
//! find the same first and last tokens by looking only at the ends of the
//! node, in the order `ToTokens` prints them, and join them the same way,
//! so the spans are identical (a test checks it on every fixture; see
//! `tests` below). Node kinds that are rare fall back to `Spanned`.

use proc_macro2::Span;
use syn::spanned::Spanned;
use syn::{AttrStyle, Attribute, Expr, Path, PathArguments};

/// What `Spanned::span` returns for a node whose first and last tokens are
/// known: their join, as `syn`'s `join_spans` does.
fn join(first: Span, last: Span) -> Span {
    first.join(last).unwrap_or(first)
}

/// The first outer attribute's `#`, which `ToTokens` prints first.
fn outer_attr(attrs: &[Attribute]) -> Option<Span> {
    attrs
        .iter()
        .find(|a| matches!(a.style, AttrStyle::Outer))
        .map(|a| a.pound_token.span)
}

fn first_of_vis(vis: &syn::Visibility) -> Option<Span> {
    match vis {
        syn::Visibility::Public(token) => Some(token.span),
        syn::Visibility::Restricted(r) => Some(r.pub_token.span),
        syn::Visibility::Inherited => None,
    }
}

fn first_of_sig(sig: &syn::Signature) -> Span {
    if let Some(token) = &sig.constness {
        return token.span;
    }
    if let Some(token) = &sig.asyncness {
        return token.span;
    }
    if let Some(token) = &sig.unsafety {
        return token.span;
    }
    if let Some(abi) = &sig.abi {
        return abi.extern_token.span;
    }
    sig.fn_token.span
}

/// The first token of a path: `::` or the first segment.
fn first_of_path(path: &Path) -> Span {
    match (&path.leading_colon, path.segments.first()) {
        (Some(colon), _) => colon.spans[0],
        (None, Some(segment)) => segment.ident.span(),
        (None, None) => path.span(),
    }
}

/// The last token of a path: its last segment's name or generic arguments.
fn last_of_path(path: &Path) -> Span {
    let Some(segment) = path.segments.last() else {
        return path.span();
    };
    match &segment.arguments {
        PathArguments::None => segment.ident.span(),
        PathArguments::AngleBracketed(args) => args.gt_token.span,
        // `Fn(A) -> B`: rare in the positions spanned here.
        PathArguments::Parenthesized(_) => segment.span(),
    }
}

/// A path's span, as `Spanned` gives it.
pub fn path(path: &Path) -> Span {
    join(first_of_path(path), last_of_path(path))
}

/// A macro invocation's span: from its path to its closing delimiter.
pub fn mac(mac: &syn::Macro) -> Span {
    join(first_of_path(&mac.path), delimiter(&mac.delimiter))
}

fn delimiter(delimiter: &syn::MacroDelimiter) -> Span {
    match delimiter {
        syn::MacroDelimiter::Paren(d) => d.span.join(),
        syn::MacroDelimiter::Brace(d) => d.span.join(),
        syn::MacroDelimiter::Bracket(d) => d.span.join(),
    }
}

/// A call's span: from the callee to the closing parenthesis.
pub fn call(call: &syn::ExprCall) -> Span {
    let first = outer_attr(&call.attrs).unwrap_or_else(|| first_of_expr(&call.func));
    join(first, call.paren_token.span.join())
}

/// A method call's span: from the receiver to the closing parenthesis.
pub fn method_call(call: &syn::ExprMethodCall) -> Span {
    let first = outer_attr(&call.attrs).unwrap_or_else(|| first_of_expr(&call.receiver));
    join(first, call.paren_token.span.join())
}

/// A path expression's span.
pub fn expr_path(expr: &syn::ExprPath) -> Span {
    let first = outer_attr(&expr.attrs).unwrap_or_else(|| match &expr.qself {
        Some(qself) => qself.lt_token.span,
        None => first_of_path(&expr.path),
    });
    join(first, last_of_path(&expr.path))
}

/// An expression's span, cheaply for paths and falling back to `Spanned`.
pub fn expr(expr: &Expr) -> Span {
    match expr {
        Expr::Path(p) => expr_path(p),
        Expr::Call(c) => call(c),
        Expr::MethodCall(m) => method_call(m),
        other => other.span(),
    }
}

/// A function item's span, attributes included.
pub fn item_fn(item: &syn::ItemFn) -> Span {
    let first = outer_attr(&item.attrs)
        .or_else(|| first_of_vis(&item.vis))
        .unwrap_or_else(|| first_of_sig(&item.sig));
    join(first, item.block.brace_token.span.join())
}

/// An item's span; cheap for functions, statics and macros, the items the
/// index records.
pub fn item(item: &syn::Item) -> Span {
    match item {
        syn::Item::Fn(f) => item_fn(f),
        syn::Item::Static(s) => {
            let first = outer_attr(&s.attrs)
                .or_else(|| first_of_vis(&s.vis))
                .unwrap_or(s.static_token.span);
            join(first, s.semi_token.span)
        }
        syn::Item::Macro(m) => {
            let first = outer_attr(&m.attrs).unwrap_or_else(|| first_of_path(&m.mac.path));
            let last = match &m.semi_token {
                Some(semi) => semi.span,
                None => delimiter(&m.mac.delimiter),
            };
            join(first, last)
        }
        other => other.span(),
    }
}

/// A method's span in an `impl` block, attributes included.
pub fn impl_fn(method: &syn::ImplItemFn) -> Span {
    let first = outer_attr(&method.attrs)
        .or_else(|| first_of_vis(&method.vis))
        .or_else(|| method.defaultness.map(|d| d.span))
        .unwrap_or_else(|| first_of_sig(&method.sig));
    join(first, method.block.brace_token.span.join())
}

/// A method's span in a trait, attributes included.
pub fn trait_fn(method: &syn::TraitItemFn) -> Span {
    let first = outer_attr(&method.attrs).unwrap_or_else(|| first_of_sig(&method.sig));
    let last = match (&method.default, &method.semi_token) {
        (Some(block), _) => block.brace_token.span.join(),
        (None, Some(semi)) => semi.span,
        (None, None) => return method.span(),
    };
    join(first, last)
}

/// The outer attributes of an expression, which `ToTokens` prints first.
fn expr_attrs(expr: &Expr) -> &[Attribute] {
    match expr {
        Expr::Array(e) => &e.attrs,
        Expr::Assign(e) => &e.attrs,
        Expr::Async(e) => &e.attrs,
        Expr::Await(e) => &e.attrs,
        Expr::Binary(e) => &e.attrs,
        Expr::Block(e) => &e.attrs,
        Expr::Break(e) => &e.attrs,
        Expr::Call(e) => &e.attrs,
        Expr::Cast(e) => &e.attrs,
        Expr::Closure(e) => &e.attrs,
        Expr::Const(e) => &e.attrs,
        Expr::Continue(e) => &e.attrs,
        Expr::Field(e) => &e.attrs,
        Expr::ForLoop(e) => &e.attrs,
        Expr::Group(e) => &e.attrs,
        Expr::If(e) => &e.attrs,
        Expr::Index(e) => &e.attrs,
        Expr::Infer(e) => &e.attrs,
        Expr::Let(e) => &e.attrs,
        Expr::Lit(e) => &e.attrs,
        Expr::Loop(e) => &e.attrs,
        Expr::Macro(e) => &e.attrs,
        Expr::Match(e) => &e.attrs,
        Expr::MethodCall(e) => &e.attrs,
        Expr::Paren(e) => &e.attrs,
        Expr::Path(e) => &e.attrs,
        Expr::Range(e) => &e.attrs,
        Expr::RawAddr(e) => &e.attrs,
        Expr::Reference(e) => &e.attrs,
        Expr::Repeat(e) => &e.attrs,
        Expr::Return(e) => &e.attrs,
        Expr::Struct(e) => &e.attrs,
        Expr::Try(e) => &e.attrs,
        Expr::TryBlock(e) => &e.attrs,
        Expr::Tuple(e) => &e.attrs,
        Expr::Unary(e) => &e.attrs,
        Expr::Unsafe(e) => &e.attrs,
        Expr::While(e) => &e.attrs,
        Expr::Yield(e) => &e.attrs,
        _ => &[],
    }
}

/// The span of an expression's first token, in `ToTokens` order.
fn first_of_expr(expr: &Expr) -> Span {
    if let Some(pound) = outer_attr(expr_attrs(expr)) {
        return pound;
    }
    let label = |label: &Option<syn::Label>| label.as_ref().map(|l| l.name.apostrophe);
    match expr {
        Expr::Array(e) => e.bracket_token.span.join(),
        Expr::Assign(e) => first_of_expr(&e.left),
        Expr::Async(e) => e.async_token.span,
        Expr::Await(e) => first_of_expr(&e.base),
        Expr::Binary(e) => first_of_expr(&e.left),
        Expr::Block(e) => label(&e.label).unwrap_or_else(|| e.block.brace_token.span.join()),
        Expr::Break(e) => e.break_token.span,
        Expr::Call(e) => first_of_expr(&e.func),
        Expr::Cast(e) => first_of_expr(&e.expr),
        Expr::Closure(e) => {
            if let Some(lifetimes) = &e.lifetimes {
                lifetimes.for_token.span
            } else if let Some(token) = &e.constness {
                token.span
            } else if let Some(token) = &e.movability {
                token.span
            } else if let Some(token) = &e.asyncness {
                token.span
            } else if let Some(token) = &e.capture {
                token.span
            } else {
                e.or1_token.span
            }
        }
        Expr::Const(e) => e.const_token.span,
        Expr::Continue(e) => e.continue_token.span,
        Expr::Field(e) => first_of_expr(&e.base),
        Expr::ForLoop(e) => label(&e.label).unwrap_or(e.for_token.span),
        Expr::If(e) => e.if_token.span,
        Expr::Index(e) => first_of_expr(&e.expr),
        Expr::Infer(e) => e.underscore_token.span,
        Expr::Let(e) => e.let_token.span,
        Expr::Lit(e) => e.lit.span(),
        Expr::Loop(e) => label(&e.label).unwrap_or(e.loop_token.span),
        Expr::Macro(e) => first_of_path(&e.mac.path),
        Expr::Match(e) => e.match_token.span,
        Expr::MethodCall(e) => first_of_expr(&e.receiver),
        Expr::Paren(e) => e.paren_token.span.join(),
        Expr::Path(e) => match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => first_of_path(&e.path),
        },
        Expr::Range(e) => match &e.start {
            Some(start) => first_of_expr(start),
            None => match &e.limits {
                syn::RangeLimits::HalfOpen(dots) => dots.spans[0],
                syn::RangeLimits::Closed(dots) => dots.spans[0],
            },
        },
        Expr::RawAddr(e) => e.and_token.span,
        Expr::Reference(e) => e.and_token.span,
        Expr::Repeat(e) => e.bracket_token.span.join(),
        Expr::Return(e) => e.return_token.span,
        Expr::Struct(e) => match &e.qself {
            Some(qself) => qself.lt_token.span,
            None => first_of_path(&e.path),
        },
        Expr::Try(e) => first_of_expr(&e.expr),
        Expr::TryBlock(e) => e.try_token.span,
        Expr::Tuple(e) => e.paren_token.span.join(),
        Expr::Unary(e) => match &e.op {
            syn::UnOp::Deref(token) => token.span,
            syn::UnOp::Not(token) => token.span,
            syn::UnOp::Neg(token) => token.span,
            _ => e.span(),
        },
        Expr::Unsafe(e) => e.unsafe_token.span,
        Expr::While(e) => label(&e.label).unwrap_or(e.while_token.span),
        Expr::Yield(e) => e.yield_token.span,
        // Groups (from macro expansion) and verbatim tokens: rare.
        other => first_token(other),
    }
}

/// The first token's span by printing the node: the slow, sure way.
fn first_token(expr: &Expr) -> Span {
    quote::ToTokens::to_token_stream(expr)
        .into_iter()
        .next()
        .map_or_else(Span::call_site, |t| t.span())
}

#[cfg(test)]
mod tests {
    use syn::visit::Visit;

    /// Compares every cheap span with `Spanned::span` in a file; returns
    /// the mismatches as text.
    pub(crate) fn mismatches(file: &syn::File) -> Vec<String> {
        struct Check(Vec<String>);
        impl Check {
            fn compare(
                &mut self,
                what: &str,
                cheap: proc_macro2::Span,
                node: &dyn Fn() -> proc_macro2::Span,
            ) {
                let slow = node();
                if cheap.byte_range() != slow.byte_range() {
                    self.0.push(format!(
                        "{what} at {:?}: cheap {:?}, Spanned {:?}",
                        slow.start(),
                        cheap.byte_range(),
                        slow.byte_range()
                    ));
                }
            }
        }
        impl<'ast> Visit<'ast> for Check {
            fn visit_item(&mut self, item: &'ast syn::Item) {
                self.compare("item", super::item(item), &|| {
                    syn::spanned::Spanned::span(item)
                });
                syn::visit::visit_item(self, item);
            }
            fn visit_impl_item_fn(&mut self, f: &'ast syn::ImplItemFn) {
                self.compare("impl fn", super::impl_fn(f), &|| {
                    syn::spanned::Spanned::span(f)
                });
                syn::visit::visit_impl_item_fn(self, f);
            }
            fn visit_trait_item_fn(&mut self, f: &'ast syn::TraitItemFn) {
                self.compare("trait fn", super::trait_fn(f), &|| {
                    syn::spanned::Spanned::span(f)
                });
                syn::visit::visit_trait_item_fn(self, f);
            }
            fn visit_expr(&mut self, e: &'ast syn::Expr) {
                self.compare("expr", super::expr(e), &|| syn::spanned::Spanned::span(e));
                // Also every expression's first token, through a call.
                let first = super::first_of_expr(e);
                let slow = super::first_token(e);
                if first.byte_range() != slow.byte_range() {
                    self.0.push(format!(
                        "first token at {:?}: cheap {:?}, printed {:?}",
                        slow.start(),
                        first.byte_range(),
                        slow.byte_range()
                    ));
                }
                syn::visit::visit_expr(self, e);
            }
            fn visit_macro(&mut self, m: &'ast syn::Macro) {
                self.compare("macro", super::mac(m), &|| syn::spanned::Spanned::span(m));
                self.compare("macro path", super::path(&m.path), &|| {
                    syn::spanned::Spanned::span(&m.path)
                });
                syn::visit::visit_macro(self, m);
            }
            fn visit_expr_path(&mut self, p: &'ast syn::ExprPath) {
                self.compare("path", super::path(&p.path), &|| {
                    syn::spanned::Spanned::span(&p.path)
                });
                syn::visit::visit_expr_path(self, p);
            }
        }
        let mut check = Check(Vec::new());
        check.visit_file(file);
        check.0
    }

    #[test]
    fn tricky_shapes_match_spanned() {
        let text = r#"
            #[inline] pub(crate) const unsafe extern "C" fn a() {}
            static mut X: u8 = 0;
            thread_local! { static Y: u8 = 0 }
            m!(x);
            impl T { #[doc = "d"] default async fn f(&self) { 'l: loop { break 'l; } } }
            trait U { fn g(); fn h() { (f)(x).y::<u8>().z(); } }
            fn b() {
                #[allow(x)] a.b(c)[0].d().await?.e(|| 1);
                <T as U>::f(1); ::std::f(); -x.y(); !x.y(); *x.y(); &x.y();
                ..x.y(); x.y()..; ..=x; [1].len(); (1, 2).f(); [0; 3].f();
                async move { 1 }.f(); unsafe { g() }.h(); S { a: 1 }.f();
                move |x| x.f(); for<'a> |x: &'a u8| x; 1.f(); "s".f(); x as u8;
                'b: { 1 }.f(); if a { b } else { c }.f(); match a { _ => b }.f();
                vec![1].f(); Vec::<u8>::new().f(); return x.f();
            }
        "#;
        let file: syn::File = syn::parse_str(text).unwrap();
        assert_eq!(mismatches(&file), Vec::<String>::new());
    }

    /// Every `.rs` file under the fixtures and memolint's own source.
    #[test]
    fn fixture_and_source_spans_match_spanned() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut problems = Vec::new();
        let mut checked = 0;
        for dir in ["fixtures", "src", "tests"] {
            for entry in ignore::WalkBuilder::new(root.join(dir)).build().flatten() {
                let path = entry.path();
                if path.extension().is_none_or(|e| e != "rs") {
                    continue;
                }
                let Ok(text) = std::fs::read_to_string(path) else {
                    continue;
                };
                let Ok(file) = syn::parse_file(&text) else {
                    continue;
                };
                checked += 1;
                for problem in mismatches(&file) {
                    problems.push(format!("{}: {problem}", path.display()));
                }
            }
        }
        assert!(checked > 50, "only {checked} files checked");
        assert!(problems.is_empty(), "{}", problems.join("\n"));
    }

    /// The same over any tree (the benchmark corpus):
    /// `MEMOLINT_EXTENT_TREE=bench/corpus/vendor cargo test --release
    /// extent -- --ignored`.
    #[test]
    #[ignore = "reads the tree named by MEMOLINT_EXTENT_TREE"]
    fn tree_spans_match_spanned() {
        let Some(root) = std::env::var_os("MEMOLINT_EXTENT_TREE") else {
            return;
        };
        let mut problems = Vec::new();
        let mut checked = 0;
        for entry in ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .build()
            .flatten()
        {
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(path) else {
                continue;
            };
            let Ok(file) = syn::parse_file(&text) else {
                continue;
            };
            checked += 1;
            for problem in mismatches(&file) {
                problems.push(format!("{}: {problem}", path.display()));
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        }
        eprintln!("{checked} files checked");
        assert!(
            problems.is_empty(),
            "{} mismatches:\n{}",
            problems.len(),
            problems
                .iter()
                .take(50)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}
