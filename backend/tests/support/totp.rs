//! The staff second factor in tests: the account's authenticator secret, read as the officer's
//! phone would hold it.

use backend::app::AppState;
use backend::db::schema::users;
use diesel::prelude::*;

/// The account's TOTP secret, with its last used step forgotten: tests sign the same officer in
/// several times within one 30-second step, which one real authenticator code would not allow.
pub async fn allow_next_totp(state: &AppState, login: &str) -> String {
    let login = login.to_string();
    state
        .db
        .run(move |c| {
            diesel::update(users::table.filter(users::login.eq(&login)))
                .set(users::totp_last_step.eq(Some(0i64)))
                .execute(c)?;
            Ok(users::table.filter(users::login.eq(&login)).select(users::totp_secret).first::<Option<String>>(c)?)
        })
        .await
        .unwrap()
        .expect("an authenticator is set up")
}
