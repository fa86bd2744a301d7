//! The browser's part in a test: following an authorize address or an
//! emailed link through the server's redirects (and the fake provider's)
//! until one leaves for the app's own scheme. That last address is what
//! the operating system hands the app.

/// Follows redirects from `start` until one goes to a `scheme:` address,
/// and returns it. Panics (it is a test's browser) on anything else: an
/// answer that is no redirect, or more than ten hops.
pub fn follow(start: &str, scheme: &str) -> String {
    let browser: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let prefix = format!("{scheme}:");
    let mut address = start.to_owned();
    for _ in 0..10 {
        if address.starts_with(&prefix) {
            return address;
        }
        let answer = browser
            .get(&address)
            .call()
            .unwrap_or_else(|error| panic!("{address}: {error}"));
        assert!(
            answer.status().is_redirection(),
            "{address}: {}",
            answer.status()
        );
        address = answer
            .headers()
            .get("location")
            .and_then(|location| location.to_str().ok())
            .expect("a redirect names where it goes")
            .to_owned();
    }
    panic!("the browser never came back to the app from {start}");
}
