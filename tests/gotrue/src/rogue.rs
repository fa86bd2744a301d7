//! A server that is not GoTrue, nor anything well-behaved: it answers each
//! connection with the next canned HTTP response, whatever was asked. For
//! tests of what a client does with an answer that floods or forges.

use std::io::{Read, Write};
use std::net::TcpListener;

/// Serves `responses`, one per connection, in order; returns the URL.
pub fn serve(responses: Vec<String>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free local port");
    let url = format!("http://{}", listener.local_addr().expect("its address"));
    std::thread::spawn(move || {
        for response in responses {
            let Ok((mut stream, _)) = listener.accept() else {
                return;
            };
            // The request's head, up to its blank line; the body is ignored.
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") && stream.read(&mut byte).unwrap_or(0) == 1 {
                request.push(byte[0]);
            }
            let _ = stream.write_all(response.as_bytes());
        }
    });
    url
}
