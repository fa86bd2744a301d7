//! A minimal GoTrue client for the tests, over real HTTP with `ureq`.
//!
//! Every call returns the server's raw [`Answer`], refusals included, so
//! tests assert on status, headers and body exactly as a client sees them.

#![allow(dead_code)] // Each test file uses its own part of this module.

use std::time::{Duration, Instant};

use axolop_gotrue::GoTrue;
use serde_json::{json, Value};

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
    Ok(Answer {
        status: response.status().as_u16(),
        content_type,
        retry_after,
        text: response.body_mut().read_to_string()?,
    })
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
