//! The endpoints a test can fault and count calls of.
//!
//! Only requests that reach one of these are counted; unknown paths and
//! unsupported grant types are answered but belong to no endpoint.

/// One endpoint of the auth API.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Endpoint {
    /// `POST /auth/v1/token?grant_type=password`: sign in with email and password.
    Password,
    /// `POST /auth/v1/token?grant_type=refresh_token`: rotate a refresh token.
    Refresh,
    /// `POST /auth/v1/logout`: end sessions of the bearer's user.
    Logout,
    /// `GET /auth/v1/user`: the bearer's user.
    User,
}

impl Endpoint {
    /// Every endpoint, in declaration order.
    pub const ALL: [Endpoint; 4] = [
        Endpoint::Password,
        Endpoint::Refresh,
        Endpoint::Logout,
        Endpoint::User,
    ];

    /// Position in [`Endpoint::ALL`], for per-endpoint arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }
}
