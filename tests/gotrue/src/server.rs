//! The runtime thread, the accept loop, and one HTTP/1 connection.
//!
//! The server runs on its own current-thread Tokio runtime on its own thread,
//! so it neither needs nor disturbs a runtime of the test that starts it.
//! [`Server::stop`] ends the accept loop and drops the runtime, which cancels
//! every connection still open; nothing outlives the handle.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::thread::JoinHandle;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION, RETRY_AFTER};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::oneshot;

use crate::routes::{self, Call, Reply};
use crate::state::Shared;

/// Pause after a failed accept, so a persistent failure does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

/// A running server: its address and the means to stop it.
#[derive(Debug)]
pub(crate) struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    /// Binds a free port on 127.0.0.1 and serves `shared` from a new thread.
    pub(crate) fn start(shared: Shared) -> io::Result<Server> {
        // Bound here, not on the thread, so the address is known and any
        // failure reported before `start` returns.
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let (stop, stopped) = oneshot::channel();
        let thread = std::thread::Builder::new()
            .name(format!("gotrue-{}", addr.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, shared, stopped)))?;
        Ok(Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        })
    }

    /// Where the server listens.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Stops accepting, closes every connection and waits for the thread.
    pub(crate) fn stop(&mut self) {
        if let Some(stop) = self.stop.take() {
            // An error means the loop already ended; there is nothing to stop.
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            // A panic on the server thread already printed its message; a
            // second panic here, possibly during unwinding, would only abort.
            let _ = thread.join();
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn accept_loop(listener: TcpListener, shared: Shared, mut stopped: oneshot::Receiver<()>) {
    let listener =
        tokio::net::TcpListener::from_std(listener).expect("a non-blocking listener in a runtime");
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    tokio::spawn(serve_connection(stream, shared.clone()));
                }
                // Out of file descriptors or the like: that client fails, and
                // the server pauses briefly rather than spin on the error.
                Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
            },
        }
    }
}

async fn serve_connection(stream: TcpStream, shared: Shared) {
    let reset = Arc::new(AtomicBool::new(false));
    let socket = Socket {
        stream,
        reset: reset.clone(),
    };
    let service = hyper::service::service_fn(move |request| {
        let shared = shared.clone();
        let reset = reset.clone();
        async move {
            let call = read_call(request).await?;
            match response(routes::handle(&shared, &call).await) {
                Some(response) => Ok(response),
                None => {
                    reset.store(true, Ordering::Relaxed);
                    // An error from the service makes hyper drop the
                    // connection without writing a response.
                    Err(io::Error::from(io::ErrorKind::ConnectionReset))
                }
            }
        }
    });
    // Errors here are clients hanging up or the reset fault: nothing to report.
    let _ = hyper::server::conn::http1::Builder::new()
        .serve_connection(TokioIo::new(socket), service)
        .await;
}

async fn read_call(request: Request<Incoming>) -> io::Result<Call> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await.map_err(io::Error::other)?.to_bytes();
    let header = |name: &str| {
        parts
            .headers
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    Ok(Call {
        method: parts.method.as_str().to_owned(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(str::to_owned),
        api_key: header("apikey"),
        authorization: header("authorization"),
        body,
    })
}

/// The HTTP response for `reply`, or `None` when the connection is to be reset.
fn response(reply: Reply) -> Option<Response<Full<Bytes>>> {
    let (status, body, retry_after) = match reply {
        Reply::Json {
            status,
            body,
            retry_after,
        } => (status, Some(Bytes::from(body.to_string())), retry_after),
        Reply::NoContent => (204, None, None),
        Reply::NotJson(text) => (200, Some(Bytes::from_static(text.as_bytes())), None),
        Reply::Redirect { status, location } => return Some(redirect(status, &location)),
        Reply::Reset => return None,
    };
    let has_body = body.is_some();
    let mut response = Response::new(Full::new(body.unwrap_or_default()));
    *response.status_mut() = StatusCode::from_u16(status).expect("statuses come from this crate");
    let headers = response.headers_mut();
    if has_body {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    }
    if let Some(seconds) = retry_after {
        headers.insert(RETRY_AFTER, seconds.into());
    }
    Some(response)
}

/// A redirect to `location` with no body.
fn redirect(status: u16, location: &str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::new()));
    *response.status_mut() = StatusCode::from_u16(status).expect("statuses come from this crate");
    // A client's redirect URL may hold control characters, which a header
    // cannot carry; they go out escaped, as Go's `http.Redirect` sends them.
    let escaped: String = location
        .chars()
        .map(|c| match c {
            '\u{0}'..='\u{1f}' | '\u{7f}' => format!("%{:02X}", u32::from(c)),
            c => c.to_string(),
        })
        .collect();
    let location = HeaderValue::from_str(&escaped).expect("no control characters are left");
    response.headers_mut().insert(LOCATION, location);
    response
}

/// A connection's socket that resets instead of closing once its flag is set.
struct Socket {
    stream: TcpStream,
    reset: Arc<AtomicBool>,
}

impl Drop for Socket {
    fn drop(&mut self) {
        if self.reset.load(Ordering::Relaxed) {
            // A zero linger makes the close send RST, so the client sees
            // "connection reset" rather than a clean end of stream. Failing
            // to set it still closes the connection without a response.
            let _ = self.stream.set_zero_linger();
        }
    }
}

impl AsyncRead for Socket {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for Socket {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
