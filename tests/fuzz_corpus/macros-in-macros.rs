// Each level of macro arguments used to be parsed again by every enclosing
// level: the cost was the square of the nesting (minutes at 5000 levels).
fn f(a: u32) {
    println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", println!("{}", a))))))))))))))))))))))))))))))))))))))));
}
