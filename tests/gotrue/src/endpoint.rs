//! The endpoints a test can fault and count calls of.
//!
//! Only requests that reach one of these are counted; unknown paths,
//! unsupported grant types and the fake OAuth provider's page are answered
//! but belong to no endpoint.

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
    /// `GET /auth/v1/settings`: which sign-in methods are enabled.
    Settings,
    /// `GET /auth/v1/authorize`: start an OAuth sign-in at a provider.
    Authorize,
    /// `POST /auth/v1/token?grant_type=pkce`: exchange an auth code for a session.
    Pkce,
    /// `POST /auth/v1/otp`: email a magic link and one-time code.
    Otp,
    /// `GET /auth/v1/verify`: follow an email link.
    VerifyLink,
    /// `POST /auth/v1/verify`: trade a typed one-time code (or token hash) for a session.
    VerifyOtp,
    /// `POST /auth/v1/recover`: email a password-recovery link.
    Recover,
    /// `PUT /auth/v1/user`: change the bearer's password or metadata.
    UpdateUser,
}

impl Endpoint {
    /// Every endpoint, in declaration order.
    pub const ALL: [Endpoint; 12] = [
        Endpoint::Password,
        Endpoint::Refresh,
        Endpoint::Logout,
        Endpoint::User,
        Endpoint::Settings,
        Endpoint::Authorize,
        Endpoint::Pkce,
        Endpoint::Otp,
        Endpoint::VerifyLink,
        Endpoint::VerifyOtp,
        Endpoint::Recover,
        Endpoint::UpdateUser,
    ];

    /// Position in [`Endpoint::ALL`], for per-endpoint arrays.
    pub(crate) fn index(self) -> usize {
        self as usize
    }

    /// Whether the API gateway wants the anon key for it. Supabase's gateway
    /// leaves `/authorize` and `/verify` open: a browser navigates to them
    /// from a sign-in button or an email, and sends no `apikey` header.
    pub(crate) fn needs_api_key(self) -> bool {
        !matches!(
            self,
            Endpoint::Authorize | Endpoint::VerifyLink | Endpoint::VerifyOtp
        )
    }
}
