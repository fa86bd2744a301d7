//! The runtime thread, the accept loop, and one request.
//!
//! The gateway runs on its own current-thread Tokio runtime on its own
//! thread, so sync tests, async tests and other processes (the app) can all
//! use it. Dropping the server ends the loop and the runtime, which closes
//! every connection still open.

use std::io;
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::{HeaderValue, CONTENT_TYPE};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::sync::oneshot;

use crate::database::{self, Answer, Caller, Schema};
use crate::error::ApiError;
use crate::fault::Fault;
use crate::gateway::State;
use crate::request::Query;

/// Pause after a failed accept, so a persistent failure does not spin.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(10);

pub(crate) struct Server {
    addr: SocketAddr,
    stop: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Server {
    pub(crate) fn start(
        database: &str,
        anon_key: &str,
        jwt_secret: &str,
        auth: Option<SocketAddr>,
    ) -> io::Result<(Server, Arc<State>)> {
        let listener = TcpListener::bind(("127.0.0.1", 0))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?;
        let schema = runtime
            .block_on(Schema::load(database))
            .map_err(|error| io::Error::other(format!("read the schema: {error}")))?;
        let state = Arc::new(State {
            database: database.to_owned(),
            schema,
            anon_key: anon_key.to_owned(),
            jwt_secret: jwt_secret.to_owned(),
            auth,
            faults: Default::default(),
            stats: Default::default(),
            clock_ahead: Default::default(),
        });
        let (stop, stopped) = oneshot::channel();
        let shared = state.clone();
        let thread = std::thread::Builder::new()
            .name(format!("postgrest-{}", addr.port()))
            .spawn(move || runtime.block_on(accept_loop(listener, shared, stopped)))?;
        let server = Server {
            addr,
            stop: Some(stop),
            thread: Some(thread),
        };
        Ok((server, state))
    }

    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

async fn accept_loop(listener: TcpListener, state: Arc<State>, mut stopped: oneshot::Receiver<()>) {
    let listener =
        tokio::net::TcpListener::from_std(listener).expect("a non-blocking listener in a runtime");
    loop {
        tokio::select! {
            _ = &mut stopped => return,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let state = state.clone();
                    tokio::spawn(async move {
                        let service = hyper::service::service_fn(move |request| answer(state.clone(), request));
                        // A client that goes away mid-request ends only its connection.
                        let _ = hyper::server::conn::http1::Builder::new()
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Err(_) => tokio::time::sleep(ACCEPT_BACKOFF).await,
            },
        }
    }
}

/// The connection is closed without an answer (the `Reset` fault).
#[derive(Debug, thiserror::Error)]
#[error("connection reset by the gateway's fault injection")]
struct Reset;

async fn answer(
    state: Arc<State>,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Reset> {
    // Sign-in and refresh pass straight through: faults and counts are the
    // data API's (the GoTrue test server has faults and counts of its own).
    if let Some(auth) = state
        .auth
        .filter(|_| request.uri().path().starts_with("/auth/v1/"))
    {
        return Ok(proxy(auth, request).await.unwrap_or_else(|error| {
            let message = format!("the auth server failed: {error}");
            refusal(&state, &ApiError::new(502, "PGRST000", message))
        }));
    }
    {
        let mut stats = state.stats.lock();
        stats.requests += 1;
        stats.bytes_in += wire_size(request.headers(), request.uri().to_string().len());
    }
    let fault = state.faults.lock().pop_front();
    match fault {
        Some(Fault::Reset) => return Err(Reset),
        Some(Fault::Status(status)) => {
            let error = ApiError::new(status, "PGRST000", "injected fault");
            return Ok(refusal(&state, &error));
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(delay).await,
        Some(Fault::LoseAnswer) | None => {}
    }
    let response = match handle(&state, request).await {
        Ok(answer) => reply(answer),
        Err(error) => refusal(&state, &error),
    };
    if fault == Some(Fault::LoseAnswer) {
        return Err(Reset);
    }
    let body = hyper::body::Body::size_hint(response.body())
        .exact()
        .unwrap_or(0) as usize;
    state.stats.lock().bytes_out += wire_size(response.headers(), 0) + body;
    Ok(response)
}

/// The bytes of an HTTP/1.1 head with these headers (`name: value\r\n`
/// each), plus `line` for its first line; a request's body is counted
/// where it is read.
fn wire_size(headers: &hyper::HeaderMap, line: usize) -> usize {
    let fields: usize = headers
        .iter()
        .map(|(name, value)| name.as_str().len() + value.len() + 4)
        .sum();
    line + 12 + fields + 2
}

async fn handle(state: &State, request: Request<Incoming>) -> Result<Answer, ApiError> {
    let header = |name: &str| {
        request
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    if header("apikey").as_deref() != Some(state.anon_key.as_str()) {
        let mut error = ApiError::new(401, "PGRST301", "No API key found in request");
        error.hint = Some("No `apikey` request header or url param was found.".to_owned());
        return Err(error);
    }
    let caller = caller(state, header("authorization").as_deref())?;
    let method = request.method().as_str().to_owned();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_default();
    let (range, prefer) = (header("range"), header("prefer"));
    let body = request
        .into_body()
        .collect()
        .await
        .map_err(|_| ApiError::new(400, "PGRST102", "the request body could not be read"))?
        .to_bytes();
    state.stats.lock().bytes_in += body.len();
    let query = Query::parse(&method, &target, range.as_deref(), prefer.as_deref(), &body)?;
    {
        let mut stats = state.stats.lock();
        match query {
            Query::Select { .. } => stats.selects += 1,
            Query::Insert { .. } => stats.inserts += 1,
            Query::Update { .. } => stats.updates += 1,
            Query::Rpc { .. } => stats.rpcs += 1,
        }
    }
    database::run(&state.database, &state.schema, &caller, &query).await
}

/// Passes `request` on to the auth server and its answer back, whole.
async fn proxy(
    auth: SocketAddr,
    request: Request<Incoming>,
) -> Result<Response<Full<Bytes>>, Box<dyn std::error::Error + Send + Sync>> {
    let (parts, body) = request.into_parts();
    let body = body.collect().await?.to_bytes();
    let stream = tokio::net::TcpStream::connect(auth).await?;
    let (mut sender, connection) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(connection);
    let mut forwarded = Request::from_parts(parts, Full::new(body));
    forwarded.headers_mut().insert(
        hyper::header::HOST,
        HeaderValue::from_str(&auth.to_string())?,
    );
    let (parts, body) = sender.send_request(forwarded).await?.into_parts();
    let body = body.collect().await?.to_bytes();
    Ok(Response::from_parts(parts, Full::new(body)))
}

/// The caller a bearer token names, or `anon` without one.
fn caller(state: &State, authorization: Option<&str>) -> Result<Caller, ApiError> {
    let Some(token) = authorization.and_then(|value| value.strip_prefix("Bearer ")) else {
        return Ok(Caller {
            role: "anon".to_owned(),
            claims: "{}".to_owned(),
        });
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs()
        + state.clock_ahead.load(Ordering::Relaxed);
    let claims = axolop_gotrue::jwt::verify(token, &state.jwt_secret, now)
        .map_err(|error| ApiError::new(401, error.code(), error.to_string()))?;
    let role = claims["role"].as_str().unwrap_or("anon").to_owned();
    Ok(Caller {
        role,
        claims: claims.to_string(),
    })
}

fn reply(answer: Answer) -> Response<Full<Bytes>> {
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::OK);
    let mut response = Response::new(Full::new(Bytes::from(answer.body.unwrap_or_default())));
    *response.status_mut() = status;
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if let Some(range) = answer
        .content_range
        .and_then(|range| HeaderValue::from_str(&range).ok())
    {
        headers.insert("content-range", range);
    }
    response
}

fn refusal(state: &State, error: &ApiError) -> Response<Full<Bytes>> {
    state.stats.lock().refused += 1;
    let mut response = Response::new(Full::new(Bytes::from(error.body().to_string())));
    *response.status_mut() =
        StatusCode::from_u16(error.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(
        CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    if error.status == 401 {
        let challenge = format!(
            "Bearer error=\"invalid_token\", error_description=\"{}\"",
            error.message.replace('"', "'")
        );
        if let Ok(value) = HeaderValue::from_str(&challenge) {
            headers.insert("www-authenticate", value);
        }
    }
    response
}
