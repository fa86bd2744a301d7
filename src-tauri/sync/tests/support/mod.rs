//! The servers a signed-in device talks to, and two members of one agency.

#![allow(dead_code)] // Each test file uses its own part of this module.

use axolop_auth::{AuthClient, AuthConfig};
use axolop_gotrue::jwt::JWT_SECRET;
use axolop_gotrue::{GoTrue, ANON_KEY};
use axolop_postgres::Postgres;
use axolop_postgrest::Gateway;
use axolop_sync::Rest;
use secrecy::SecretString;

const PASSWORD: &str = "correct horse battery staple";

/// A user signed in on a device of their own.
pub struct Member {
    pub user: String,
    pub token: SecretString,
    pub rest: Rest,
}

/// PostgreSQL with the project's migrations, the gateway in front, GoTrue
/// for tokens, and a runtime to call them from sync tests.
pub struct Servers {
    pub gateway: Gateway,
    pub postgres: Postgres,
    pub runtime: tokio::runtime::Runtime,
    gotrue: GoTrue,
}

/// Ada, who created the agency, and Bob, added to it in Supabase.
pub struct Team {
    pub ada: Member,
    pub bob: Member,
    pub agency: String,
    pub servers: Servers,
}

impl std::ops::Deref for Team {
    type Target = Servers;

    fn deref(&self) -> &Servers {
        &self.servers
    }
}

pub fn team() -> Team {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let postgres = Postgres::start();
    let gotrue = GoTrue::start();
    let gateway = Gateway::start(&postgres.url("authenticator"), ANON_KEY, JWT_SECRET);
    let member = |email: &str| {
        let user = gotrue.add_user(email, PASSWORD).to_string();
        postgres.add_user(&user, email);
        let auth = AuthClient::new(AuthConfig {
            url: gotrue.url(),
            anon_key: ANON_KEY.to_owned(),
        })
        .unwrap();
        let grant = runtime
            .block_on(auth.sign_in(email, &SecretString::from(PASSWORD)))
            .expect("sign in");
        Member {
            user,
            token: grant.access_token,
            rest: Rest::new(auth.http(), &gateway.url(), ANON_KEY).unwrap(),
        }
    };
    let (ada, bob) = (member("ada@example.com"), member("bob@example.com"));
    let agency = uuid::Uuid::new_v4().to_string();
    runtime
        .block_on(ada.rest.create_agency(&ada.token, &agency, "Acme"))
        .unwrap();
    postgres
        .superuser()
        .execute(
            "insert into agency_members (agency_id, user_id) values ($1::text::uuid, $2::text::uuid)",
            &[&agency, &bob.user],
        )
        .unwrap();
    Team {
        ada,
        bob,
        agency,
        servers: Servers {
            gateway,
            postgres,
            runtime,
            gotrue,
        },
    }
}
