use chrono::NaiveDateTime;
use common::dto::auth::Me;
use common::dto::users::UserSummary;
use common::{District, Role, mask};
use diesel::prelude::*;

use crate::auth::Actor;
use crate::db::DbConn;
use crate::db::schema::users;
use crate::vault::{self, Keyring};

/// A row of `users`; field order follows the table.
#[derive(Debug, Clone, Queryable, Identifiable)]
#[diesel(table_name = users)]
pub struct User {
    pub id: i64,
    pub role: String,
    pub login: String,
    pub display_name: String,
    pub phone: Option<String>,
    pub id_number: Option<String>,
    pub credit_code: Option<String>,
    pub contact_name: Option<String>,
    pub district_code: Option<String>,
    pub password_hash: String,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
    /// `zh` or `en`: the language of their text messages.
    pub lang: String,
    /// Staff second factor (base32 TOTP secret), once enrolled.
    pub totp_secret: Option<String>,
    /// The last TOTP time step accepted, so that a code is good once.
    pub totp_last_step: Option<i64>,
    /// The phone's look-up hash (`vault`); `phone` itself is sealed. An account that signs in by
    /// phone has this as its `login`, so that no column holds the number in clear.
    pub phone_lookup: Option<String>,
    /// The ID number's look-up hash, for uniqueness; `id_number` itself is sealed.
    pub id_number_lookup: Option<String>,
}

/// A new account, in clear; `insert` seals the phone and the ID number.
#[derive(Debug)]
pub struct NewUser<'a> {
    pub role: &'a str,
    pub login: &'a str,
    pub display_name: &'a str,
    pub phone: Option<&'a str>,
    pub id_number: Option<&'a str>,
    pub credit_code: Option<&'a str>,
    pub contact_name: Option<&'a str>,
    pub district_code: Option<&'a str>,
    pub password_hash: &'a str,
    pub disabled: bool,
    pub created_at: NaiveDateTime,
    pub password_changed_at: NaiveDateTime,
}

impl NewUser<'_> {
    pub fn insert(&self, conn: &mut DbConn, vault: &Keyring) -> QueryResult<i64> {
        let phone_lookup = self.phone.map(|p| vault.lookup(vault::PHONE, p));
        let login = match &phone_lookup {
            Some(l) if self.phone == Some(self.login) => l.clone(),
            _ => self.login.to_string(),
        };
        diesel::insert_into(users::table)
            .values((
                users::role.eq(self.role),
                users::login.eq(login),
                users::display_name.eq(self.display_name),
                users::phone.eq(self.phone.map(|p| vault.seal(p))),
                users::phone_lookup.eq(phone_lookup),
                users::id_number.eq(self.id_number.map(|v| vault.seal(v))),
                users::id_number_lookup.eq(self.id_number.map(|v| vault.lookup(vault::ID_NUMBER, v))),
                users::credit_code.eq(self.credit_code),
                users::contact_name.eq(self.contact_name),
                users::district_code.eq(self.district_code),
                users::password_hash.eq(self.password_hash),
                users::disabled.eq(self.disabled),
                users::created_at.eq(self.created_at),
                users::password_changed_at.eq(self.password_changed_at),
            ))
            .returning(users::id)
            .get_result(conn)
    }
}

/// Narrows a user query to what the actor may see: admins all accounts, officers the accounts of
/// their own district, everyone else only themselves.
fn scoped<'a>(actor: &Actor) -> users::BoxedQuery<'a, crate::db::MultiBackend> {
    let q = users::table.into_boxed();
    match (actor.role, actor.district) {
        (Role::CityAdmin, _) => q,
        (Role::DistrictOfficer, Some(d)) => q.filter(users::district_code.eq(d.code())),
        _ => q.filter(users::id.eq(actor.user_id)),
    }
}

#[derive(Debug, Default, Clone)]
pub struct UserFilter {
    pub role: Option<Role>,
    pub district: Option<District>,
    pub limit: i64,
    pub offset: i64,
}

impl User {
    pub fn find(conn: &mut DbConn, id: i64) -> QueryResult<User> {
        users::table.find(id).get_result(conn)
    }

    /// The account signing in with `login`: a mobile number is found by its look-up hash under
    /// any key of the ring, anything else is a staff username.
    pub fn find_by_login(conn: &mut DbConn, vault: &Keyring, login: &str) -> QueryResult<Option<User>> {
        match common::validate::check_mobile(login) {
            Some(phone) => User::find_by_phone(conn, vault, &phone),
            None => users::table.filter(users::login.eq(login)).get_result(conn).optional(),
        }
    }

    /// The account whose phone this is (an 11-digit number).
    pub fn find_by_phone(conn: &mut DbConn, vault: &Keyring, phone: &str) -> QueryResult<Option<User>> {
        users::table.filter(users::phone_lookup.eq_any(vault.lookups(vault::PHONE, phone))).first(conn).optional()
    }

    /// Accounts visible to `actor`, newest first.
    pub fn list(conn: &mut DbConn, actor: &Actor, f: &UserFilter) -> QueryResult<(Vec<User>, i64)> {
        let filtered = |mut q: users::BoxedQuery<'static, crate::db::MultiBackend>| {
            if let Some(r) = f.role {
                q = q.filter(users::role.eq(r.as_str()));
            }
            if let Some(d) = f.district {
                q = q.filter(users::district_code.eq(d.code()));
            }
            q
        };
        let total = filtered(scoped(actor)).count().get_result(conn)?;
        let rows = filtered(scoped(actor)).order(users::id.desc()).limit(f.limit).offset(f.offset).load(conn)?;
        Ok((rows, total))
    }

    pub fn set_password(conn: &mut DbConn, id: i64, hash: &str, now: NaiveDateTime) -> QueryResult<()> {
        diesel::update(users::table.find(id))
            .set((users::password_hash.eq(hash), users::password_changed_at.eq(now)))
            .execute(conn)
            .map(|_| ())
    }

    /// The account's phone is also its login (by its look-up hash).
    pub fn move_to_phone(conn: &mut DbConn, vault: &Keyring, id: i64, phone: &str) -> QueryResult<()> {
        let lookup = vault.lookup(vault::PHONE, phone);
        diesel::update(users::table.find(id))
            .set((
                users::phone.eq(Some(vault.seal(phone))),
                users::phone_lookup.eq(Some(&lookup)),
                users::login.eq(&lookup),
            ))
            .execute(conn)
            .map(|_| ())
    }

    /// The phone in clear.
    pub fn phone(&self, vault: &Keyring) -> Option<String> {
        vault.open_opt(self.phone.as_deref())
    }

    /// The ID number in clear.
    pub fn id_number(&self, vault: &Keyring) -> Option<String> {
        vault.open_opt(self.id_number.as_deref())
    }

    /// Vendors and shops sign in by phone; staff by username.
    pub fn signs_in_by_phone(&self) -> bool {
        self.phone_lookup.as_deref().is_some_and(|l| l == self.login)
    }

    pub fn role(&self) -> Role {
        Role::parse(&self.role).unwrap_or(Role::Vendor)
    }

    pub fn district(&self) -> Option<District> {
        self.district_code.as_deref().and_then(District::from_code)
    }

    /// The account as its owner sees it (the only view with the full ID number).
    pub fn to_me(&self, vault: &Keyring) -> Me {
        let phone = self.phone(vault);
        Me {
            id: self.id,
            role: self.role(),
            display_name: self.display_name.clone(),
            login: if self.signs_in_by_phone() { phone.clone().unwrap_or_default() } else { self.login.clone() },
            phone,
            id_number: self.id_number(vault),
            credit_code: self.credit_code.clone(),
            contact_name: self.contact_name.clone(),
            district: self.district(),
            created_at: self.created_at,
            acting_for: None,
        }
    }

    /// The account as staff see it in lists.
    pub fn to_summary(&self, vault: &Keyring) -> UserSummary {
        let phone_masked = self.phone(vault).as_deref().map(mask::phone);
        UserSummary {
            id: self.id,
            role: self.role(),
            display_name: self.display_name.clone(),
            login: if self.signs_in_by_phone() { phone_masked.clone().unwrap_or_default() } else { self.login.clone() },
            phone_masked,
            id_number_masked: self.id_number(vault).as_deref().map(mask::id_number),
            credit_code: self.credit_code.clone(),
            district: self.district(),
            disabled: self.disabled,
            second_factor: self.totp_last_step.is_some(),
            created_at: self.created_at,
        }
    }
}

impl User {
    pub fn exists_with_id_number(conn: &mut DbConn, vault: &Keyring, id_number: &str) -> QueryResult<bool> {
        User::find_by_id_number(conn, vault, id_number).map(|u| u.is_some())
    }

    pub fn find_by_id_number(conn: &mut DbConn, vault: &Keyring, id_number: &str) -> QueryResult<Option<User>> {
        users::table
            .filter(users::id_number_lookup.eq_any(vault.lookups(vault::ID_NUMBER, id_number)))
            .first(conn)
            .optional()
    }

    pub fn exists_with_credit_code(conn: &mut DbConn, code: &str) -> QueryResult<bool> {
        diesel::select(diesel::dsl::exists(users::table.filter(users::credit_code.eq(code)))).get_result(conn)
    }
}
