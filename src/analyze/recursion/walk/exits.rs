//! Where a function surely returns: a `return`, a `panic!` or an
//! `if`/`match` whose every branch does. After a call followed by such a
//! statement, nothing later in the text runs in the same invocation.

/// Macros that never return.
const DIVERGING_MACROS: &[&str] = &["panic", "unreachable", "todo", "unimplemented"];

/// Whether a statement surely leaves the function (`return`, `panic!`).
pub(super) fn stmt_diverges(stmt: &syn::Stmt) -> bool {
    match stmt {
        syn::Stmt::Local(local) => local
            .init
            .as_ref()
            .is_some_and(|init| expr_diverges(&init.expr)),
        syn::Stmt::Expr(expr, _) => expr_diverges(expr),
        syn::Stmt::Macro(mac) => macro_diverges(&mac.mac),
        syn::Stmt::Item(_) => false,
    }
}

fn expr_diverges(expr: &syn::Expr) -> bool {
    match expr {
        syn::Expr::Return(_) => true,
        syn::Expr::Macro(m) => macro_diverges(&m.mac),
        syn::Expr::Paren(p) => expr_diverges(&p.expr),
        syn::Expr::Group(g) => expr_diverges(&g.expr),
        syn::Expr::Block(b) => b.block.stmts.iter().any(stmt_diverges),
        syn::Expr::Unsafe(u) => u.block.stmts.iter().any(stmt_diverges),
        syn::Expr::If(i) => match &i.else_branch {
            Some((_, else_branch)) => {
                i.then_branch.stmts.iter().any(stmt_diverges) && expr_diverges(else_branch)
            }
            None => false,
        },
        syn::Expr::Match(m) => !m.arms.is_empty() && m.arms.iter().all(|a| expr_diverges(&a.body)),
        _ => false,
    }
}

fn macro_diverges(mac: &syn::Macro) -> bool {
    mac.path
        .segments
        .last()
        .is_some_and(|s| DIVERGING_MACROS.contains(&s.ident.to_string().as_str()))
}
