'mod inner {
}
// memolint: allow(ML103) -- reason
fn fib(n: u64) -> u64 {
    n
}
