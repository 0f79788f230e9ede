//! Keeps personal data sealed under the current key: at start-up for rows written before sealing
//! existed, and for `tangui rekey` after the key changed. Row by row, each its own statement, so
//! that the servers (whose keyring still holds the older key) go on answering meanwhile.

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::schema::{allocation_rounds, complaints, outbox, sms_inbound, users};
use crate::error::AppResult;
use crate::vault::{self, Keyring};

/// Which rows to seal again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Which {
    /// Only values still in clear (every start; cheap when there are none).
    Plain,
    /// Everything not sealed under the current key (`tangui rekey`).
    NotCurrent,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Resealed {
    /// Rows written again.
    pub rows: usize,
    /// Rows sealed under a key the ring does not hold (left as they are, and counted).
    pub unreadable: usize,
}

/// A row that could not be sealed again: a key missing from the ring (counted, the run goes on)
/// or the database (the run stops).
enum Fail {
    Vault(vault::VaultError),
    Db(diesel::result::Error),
}

impl From<vault::VaultError> for Fail {
    fn from(e: vault::VaultError) -> Fail {
        Fail::Vault(e)
    }
}

impl From<diesel::result::Error> for Fail {
    fn from(e: diesel::result::Error) -> Fail {
        Fail::Db(e)
    }
}

fn due(vault: &Keyring, which: Which, stored: Option<&str>) -> bool {
    match (which, stored) {
        (_, None) => false,
        (Which::Plain, Some(s)) => !s.starts_with("enc1:"),
        (Which::NotCurrent, Some(s)) => !vault.is_current(s),
    }
}

/// The value sealed again under the current key, when it is due.
fn again(vault: &Keyring, which: Which, stored: &str) -> Result<Option<String>, Fail> {
    if !due(vault, which, Some(stored)) {
        return Ok(None);
    }
    Ok(Some(vault.seal(&vault.open(stored)?)))
}

pub fn reseal(c: &mut DbConn, vault: &Keyring, which: Which) -> AppResult<Resealed> {
    let mut done = Resealed::default();
    let mut count = |r: Result<bool, Fail>| -> AppResult<()> {
        match r {
            Ok(true) => done.rows += 1,
            Ok(false) => {}
            Err(Fail::Db(e)) => return Err(e.into()),
            Err(Fail::Vault(e)) => {
                tracing::error!(error = %e, "a sealed value could not be opened to seal it again");
                done.unreadable += 1;
            }
        }
        Ok(())
    };

    // Accounts: the phone, the ID number, and the login of those who sign in by phone.
    type Row = (i64, String, Option<String>, Option<String>, Option<String>);
    let mut q = users::table
        .select((users::id, users::login, users::phone, users::id_number, users::phone_lookup))
        .order(users::id)
        .into_boxed();
    if which == Which::Plain {
        q = q.filter(users::phone.not_like("enc1:%").or(users::id_number.not_like("enc1:%")));
    }
    let rows: Vec<Row> = q.load(c)?;
    for (id, login, phone, id_number, phone_lookup) in rows {
        let r = (|| -> Result<bool, Fail> {
            let (p_due, i_due) = (due(vault, which, phone.as_deref()), due(vault, which, id_number.as_deref()));
            if !p_due && !i_due {
                return Ok(false);
            }
            if p_due {
                let plain = vault.open(phone.as_deref().unwrap_or_default())?;
                let lookup = vault.lookup(vault::PHONE, &plain);
                let by_phone = login == plain || phone_lookup.as_deref() == Some(login.as_str());
                let new_login = if by_phone { lookup.clone() } else { login.clone() };
                diesel::update(users::table.find(id))
                    .set((
                        users::phone.eq(Some(vault.seal(&plain))),
                        users::phone_lookup.eq(Some(lookup)),
                        users::login.eq(new_login),
                    ))
                    .execute(c)?;
            }
            if i_due {
                let plain = vault.open(id_number.as_deref().unwrap_or_default())?;
                diesel::update(users::table.find(id))
                    .set((
                        users::id_number.eq(Some(vault.seal(&plain))),
                        users::id_number_lookup.eq(Some(vault.lookup(vault::ID_NUMBER, &plain))),
                    ))
                    .execute(c)?;
            }
            Ok(true)
        })();
        count(r)?;
    }

    // Texts: the number sealed, the look-up hash in `recipient` for the hourly limit.
    let mut q = outbox::table.select((outbox::id, outbox::recipient, outbox::recipient_sealed)).into_boxed();
    if which == Which::Plain {
        // Rows whose number the retention rule cleared have both columns empty.
        q = q.filter(outbox::recipient_sealed.eq("")).filter(outbox::recipient.ne(""));
    }
    for (id, recipient, sealed) in q.load::<(i64, String, String)>(c)? {
        let r = (|| -> Result<bool, Fail> {
            let plain = if sealed.is_empty() {
                recipient
            } else if which == Which::NotCurrent && !vault.is_current(&sealed) {
                vault.open(&sealed)?
            } else {
                return Ok(false);
            };
            diesel::update(outbox::table.find(id))
                .set((
                    outbox::recipient.eq(vault.lookup(vault::PHONE, &plain)),
                    outbox::recipient_sealed.eq(vault.seal(&plain)),
                ))
                .execute(c)?;
            Ok(true)
        })();
        count(r)?;
    }

    // Texts received, and the contact a reporter left: sealed in place.
    // At start-up only the rows still in clear are read, not the whole table.
    let mut q = sms_inbound::table.select((sms_inbound::id, sms_inbound::sender)).into_boxed();
    if which == Which::Plain {
        q = q.filter(sms_inbound::sender.not_like("enc1:%"));
    }
    let senders: Vec<(i64, String)> = q.load(c)?;
    for (id, sender) in senders {
        let r = again(vault, which, &sender).and_then(|sealed| match sealed {
            Some(s) => Ok(diesel::update(sms_inbound::table.find(id)).set(sms_inbound::sender.eq(s)).execute(c)? > 0),
            None => Ok(false),
        });
        count(r)?;
    }
    let mut q =
        complaints::table.filter(complaints::contact.ne("")).select((complaints::id, complaints::contact)).into_boxed();
    if which == Which::Plain {
        q = q.filter(complaints::contact.not_like("enc1:%"));
    }
    let contacts: Vec<(i64, String)> = q.load(c)?;
    for (id, contact) in contacts {
        let r = again(vault, which, &contact).and_then(|sealed| match sealed {
            Some(s) => Ok(diesel::update(complaints::table.find(id)).set(complaints::contact.eq(s)).execute(c)? > 0),
            None => Ok(false),
        });
        count(r)?;
    }
    // Seeds of rounds not yet drawn: secret until the draw reveals them.
    let mut q = allocation_rounds::table
        .filter(allocation_rounds::status.eq_any(["open", "closed"]))
        .select((allocation_rounds::id, allocation_rounds::seed))
        .into_boxed();
    if which == Which::Plain {
        q = q.filter(allocation_rounds::seed.not_like("enc1:%"));
    }
    let seeds: Vec<(i64, String)> = q.load(c)?;
    for (id, seed) in seeds {
        let r = again(vault, which, &seed).and_then(|sealed| match sealed {
            // Only if still secret and unchanged: a draw revealing it meanwhile wins.
            Some(s) => Ok(diesel::update(
                allocation_rounds::table
                    .find(id)
                    .filter(allocation_rounds::seed.eq(&seed))
                    .filter(allocation_rounds::status.eq_any(["open", "closed"])),
            )
            .set(allocation_rounds::seed.eq(s))
            .execute(c)?
                > 0),
            None => Ok(false),
        });
        count(r)?;
    }
    Ok(done)
}

/// What `tangui rekey` did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Rekeyed {
    pub rows: usize,
    pub files: usize,
    pub unreadable: usize,
}

/// Seals every row and every stored file again under the current key.
pub async fn rekey(app: &crate::app::App) -> AppResult<Rekeyed> {
    let vault = app.vault.clone();
    let rows = app.db.run(move |c| reseal(c, &vault, Which::NotCurrent)).await?;
    let (files, bad_files) = crate::files::reseal_all(app).await?;
    Ok(Rekeyed { rows: rows.rows, files, unreadable: rows.unreadable + bad_files })
}
