//! A whole Supabase project for tests: real PostgreSQL with the project's
//! migrations, the GoTrue test server, and the gateway in front of both on
//! one URL, as the app is configured against a hosted project.

use axolop_gotrue::jwt::JWT_SECRET;
use axolop_gotrue::{GoTrue, ANON_KEY};
use axolop_postgres::Postgres;

use crate::Gateway;

/// PostgreSQL, GoTrue and the gateway, stopped on drop.
pub struct Project {
    pub gateway: Gateway,
    pub gotrue: GoTrue,
    pub postgres: Postgres,
}

impl Project {
    /// Starts the three, each on a free loopback port.
    pub fn start() -> Project {
        let postgres = Postgres::start();
        let gotrue = GoTrue::start();
        let gateway = Gateway::start_with_auth(
            &postgres.url("authenticator"),
            ANON_KEY,
            JWT_SECRET,
            Some(gotrue.addr()),
        );
        Project {
            gateway,
            gotrue,
            postgres,
        }
    }

    /// The project URL (`AXOLOP_SUPABASE_URL`).
    pub fn url(&self) -> String {
        self.gateway.url()
    }

    /// The anon key (`AXOLOP_SUPABASE_ANON_KEY`).
    pub fn anon_key(&self) -> &'static str {
        ANON_KEY
    }

    /// Signs up a user who can sign in with `email` and `password`, in
    /// GoTrue and in `auth.users`; returns their id.
    pub fn add_user(&self, email: &str, password: &str) -> String {
        let id = self.gotrue.add_user(email, password).to_string();
        self.postgres.add_user(&id, email);
        id
    }

    /// Makes `user` a member of `agency`, as an owner does in the Supabase
    /// dashboard (membership is managed there).
    pub fn add_member(&self, agency: &str, user: &str) {
        self.postgres
            .superuser()
            .execute(
                "insert into agency_members (agency_id, user_id) values ($1::text::uuid, $2::text::uuid)",
                &[&agency, &user],
            )
            .expect("add the member");
    }

    /// How many live (not deleted) contacts named `name` the server has.
    pub fn contacts_named(&self, name: &str) -> i64 {
        self.postgres
            .superuser()
            .query_one(
                "select count(*) from contacts where name = $1 and deleted_at is null",
                &[&name],
            )
            .expect("count contacts")
            .get(0)
    }
}
