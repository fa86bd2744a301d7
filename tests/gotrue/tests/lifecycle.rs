//! Starting and stopping: from sync and async tests, and nothing left behind.

mod support;

use std::io::{self, Read};
use std::net::TcpStream;
use std::time::Duration;

use axolop_gotrue::GoTrue;
use support::{server_with_user, Client};

#[test]
fn the_url_is_a_localhost_http_address() {
    let server = GoTrue::start();

    let url = server.url();

    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert!(!server.anon_key().is_empty());
}

#[test]
fn a_dropped_server_closes_its_connections_and_refuses_new_ones() {
    let server = GoTrue::start();
    let address = server.url().trim_start_matches("http://").to_owned();
    let mut open = TcpStream::connect(&address).expect("the server accepts");
    open.set_read_timeout(Some(Duration::from_secs(5))).unwrap();

    drop(server);

    // Closed means end of stream or reset, never a timeout.
    match open.read(&mut [0; 16]) {
        Ok(read) => assert_eq!(read, 0),
        Err(error) => assert_eq!(error.kind(), io::ErrorKind::ConnectionReset, "{error}"),
    }
    assert!(TcpStream::connect(&address).is_err());
}

#[tokio::test]
async fn it_serves_and_stops_inside_an_async_test() {
    let server = server_with_user();

    // The client blocks this test's runtime; the server has its own.
    let answer = Client::new(&server).sign_in_user();

    assert_eq!(answer.status, 200, "{}", answer.text);
    drop(server);
}
