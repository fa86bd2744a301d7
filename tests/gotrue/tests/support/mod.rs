//! A minimal GoTrue client for the tests, over real HTTP with `ureq`.
//!
//! Every call returns the server's raw [`Answer`], refusals included, so
//! tests assert on status, headers and body exactly as a client sees them.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::time::{Duration, Instant};

use axolop_gotrue::GoTrue;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

/// One user every test can sign in as.
pub const EMAIL: &str = "ada@example.com";
/// [`EMAIL`]'s password.
pub const PASSWORD: &str = "correct horse battery staple";

/// A server with [`EMAIL`] registered.
pub fn server_with_user() -> GoTrue {
    let server = GoTrue::start();
    server.add_user(EMAIL, PASSWORD);
    server
}

/// A response as the client received it.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub content_type: Option<String>,
    pub retry_after: Option<String>,
    /// The `Location` of a redirect.
    pub location: Option<String>,
    pub text: String,
}

impl Answer {
    /// The body as JSON.
    ///
    /// # Panics
    ///
    /// If the body is not JSON.
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|error| panic!("{error} in body {:?}", self.text))
    }

    /// A string field of the JSON body.
    pub fn field(&self, name: &str) -> String {
        let body = self.json();
        body[name]
            .as_str()
            .unwrap_or_else(|| panic!("no string {name} in {body}"))
            .to_owned()
    }

    /// The `error_code` of a refusal in the current error shape.
    pub fn error_code(&self) -> String {
        self.field("error_code")
    }
}

/// A client for one server, with or without the anon key.
pub struct Client {
    base: String,
    api_key: Option<String>,
    agent: ureq::Agent,
}

impl Client {
    /// A client that sends the server's anon key, as the app does.
    pub fn new(server: &GoTrue) -> Client {
        Client::with_api_key(server, Some(server.anon_key()))
    }

    /// A client that sends `api_key`, or no `apikey` header at all.
    pub fn with_api_key(server: &GoTrue, api_key: Option<&str>) -> Client {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .new_agent();
        Client {
            base: format!("{}/auth/v1", server.url()),
            api_key: api_key.map(str::to_owned),
            agent,
        }
    }

    /// `POST /token?grant_type=password`.
    pub fn sign_in(&self, email: &str, password: &str) -> Answer {
        self.post(
            "token?grant_type=password",
            None,
            json!({ "email": email, "password": password }),
        )
    }

    /// Signs in as [`EMAIL`], whatever the answer.
    pub fn sign_in_user(&self) -> Answer {
        self.sign_in(EMAIL, PASSWORD)
    }

    /// Signs in as [`EMAIL`] and returns the session body.
    ///
    /// # Panics
    ///
    /// If the sign-in is refused.
    pub fn session(&self) -> Value {
        let answer = self.sign_in_user();
        assert_eq!(answer.status, 200, "sign-in: {}", answer.text);
        answer.json()
    }

    /// Signs in as [`EMAIL`] and returns one string field of the session
    /// (`access_token`, `refresh_token`).
    ///
    /// # Panics
    ///
    /// If the sign-in fails or the field is not a string.
    pub fn session_field(&self, name: &str) -> String {
        let answer = self.sign_in_user();
        assert_eq!(answer.status, 200, "sign-in: {}", answer.text);
        answer.field(name)
    }

    /// `POST /token?grant_type=refresh_token`.
    pub fn refresh(&self, refresh_token: &str) -> Answer {
        self.try_refresh(refresh_token).expect("the server answers")
    }

    /// `POST /token?grant_type=refresh_token`, or the transport error instead of an answer.
    pub fn try_refresh(&self, refresh_token: &str) -> Result<Answer, ureq::Error> {
        self.try_post(
            "token?grant_type=refresh_token",
            None,
            json!({ "refresh_token": refresh_token }),
        )
    }

    /// `POST /logout` with `scope` (`None` leaves the server's default).
    pub fn logout(&self, access_token: &str, scope: Option<&str>) -> Answer {
        let path = match scope {
            Some(scope) => format!("logout?scope={scope}"),
            None => "logout".to_owned(),
        };
        self.post(&path, Some(access_token), json!({}))
    }

    /// `GET /settings`.
    pub fn settings(&self) -> Answer {
        self.get("settings")
    }

    /// `POST /token?grant_type=pkce`.
    pub fn exchange(&self, auth_code: &str, code_verifier: &str) -> Answer {
        self.post(
            "token?grant_type=pkce",
            None,
            json!({ "auth_code": auth_code, "code_verifier": code_verifier }),
        )
    }

    /// `POST /otp?redirect_to=…` with `body`.
    pub fn otp(&self, body: Value, redirect_to: &str) -> Answer {
        self.post(
            &format!("otp?redirect_to={}", escape(redirect_to)),
            None,
            body,
        )
    }

    /// `POST /recover?redirect_to=…` with `body`.
    pub fn recover(&self, body: Value, redirect_to: &str) -> Answer {
        self.post(
            &format!("recover?redirect_to={}", escape(redirect_to)),
            None,
            body,
        )
    }

    /// `POST /verify` with `body`.
    pub fn verify(&self, body: Value) -> Answer {
        self.post("verify", None, body)
    }

    /// `PUT /user` with the bearer's `access_token`.
    pub fn update_user(&self, access_token: &str, body: Value) -> Answer {
        let request = self
            .agent
            .put(format!("{}/user", self.base))
            .header("authorization", format!("Bearer {access_token}"));
        let request = match &self.api_key {
            Some(key) => request.header("apikey", key),
            None => request,
        };
        answer(request.send_json(body)).expect("the server answers")
    }

    /// `GET /auth/v1/<path>` with the API key, if the client has one.
    pub fn get(&self, path: &str) -> Answer {
        let mut request = self.agent.get(format!("{}/{path}", self.base));
        if let Some(key) = &self.api_key {
            request = request.header("apikey", key);
        }
        answer(request.call()).expect("the server answers")
    }

    /// `GET /user`, with a bearer token when given.
    pub fn user(&self, access_token: Option<&str>) -> Answer {
        let mut request = self.agent.get(format!("{}/user", self.base));
        if let Some(key) = &self.api_key {
            request = request.header("apikey", key);
        }
        if let Some(token) = access_token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        answer(request.call()).expect("the server answers")
    }

    fn post(&self, path: &str, access_token: Option<&str>, body: Value) -> Answer {
        self.try_post(path, access_token, body)
            .expect("the server answers")
    }

    fn try_post(
        &self,
        path: &str,
        access_token: Option<&str>,
        body: Value,
    ) -> Result<Answer, ureq::Error> {
        let mut request = self.agent.post(format!("{}/{path}", self.base));
        if let Some(key) = &self.api_key {
            request = request.header("apikey", key);
        }
        if let Some(token) = access_token {
            request = request.header("authorization", format!("Bearer {token}"));
        }
        answer(request.send_json(body))
    }
}

fn answer(
    response: Result<ureq::http::Response<ureq::Body>, ureq::Error>,
) -> Result<Answer, ureq::Error> {
    let mut response = response?;
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned)
    };
    let (content_type, retry_after) = (header("content-type"), header("retry-after"));
    let location = header("location");
    Ok(Answer {
        status: response.status().as_u16(),
        content_type,
        retry_after,
        location,
        text: response.body_mut().read_to_string()?,
    })
}

/// A browser that shows each redirect instead of following it, sending no
/// API key, as a browser opening a sign-in or email link does.
pub struct Browser {
    agent: ureq::Agent,
}

impl Browser {
    pub fn new() -> Browser {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(Duration::from_secs(20)))
            .build()
            .new_agent();
        Browser { agent }
    }

    /// Opens `url`, whatever the answer.
    pub fn open(&self, url: &str) -> Answer {
        answer(self.agent.get(url).call()).expect("the server answers")
    }

    /// Opens `url`, expects a redirect with `status`, and returns where to.
    pub fn redirect(&self, url: &str, status: u16) -> String {
        let answer = self.open(url);
        assert_eq!(answer.status, status, "{url}: {}", answer.text);
        answer.location.expect("a redirect has a Location")
    }
}

/// A PKCE verifier and its S256 challenge.
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    /// A fresh random pair, as supabase-js makes them.
    pub fn new() -> Pkce {
        let verifier: String = (0..56).map(|_| fastrand::alphanumeric()).collect();
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// The value of query parameter `name` in `url`, decoded.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split('#').next()?.split_once('?')?.1;
    params(query)
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The value of parameter `name` in `url`'s fragment, decoded.
pub fn fragment_param(url: &str, name: &str) -> Option<String> {
    let fragment = url.split_once('#')?.1;
    params(fragment)
        .into_iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value)
}

/// The decoded pairs of a query string or fragment.
pub fn params(text: &str) -> Vec<(String, String)> {
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| (unescape(key), unescape(value)))
        .collect()
}

/// `text` escaped for a query string.
pub fn escape(text: &str) -> String {
    text.bytes()
        .map(|byte| match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                char::from(byte).to_string()
            }
            _ => format!("%{byte:02X}"),
        })
        .collect()
}

fn unescape(text: &str) -> String {
    let text = text.replace('+', " ");
    let mut bytes = Vec::new();
    let mut rest = text.as_bytes();
    while let Some((&byte, tail)) = rest.split_first() {
        if byte == b'%' && tail.len() >= 2 {
            let hex = std::str::from_utf8(&tail[..2]).expect("ASCII escapes");
            bytes.push(u8::from_str_radix(hex, 16).expect("a hex escape"));
            rest = &tail[2..];
        } else {
            bytes.push(byte);
            rest = tail;
        }
    }
    String::from_utf8(bytes).expect("UTF-8 parameters")
}

/// Polls `check` until it returns `Some`, or panics after `patience`.
pub fn eventually<T>(what: &str, patience: Duration, mut check: impl FnMut() -> Option<T>) -> T {
    let deadline = Instant::now() + patience;
    loop {
        if let Some(value) = check() {
            return value;
        }
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(20));
    }
}
