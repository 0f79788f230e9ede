//! Personal data sealed before it reaches the database or the disk (PIPL Art. 51, GB/T 35273-2020
//! 6.3): ID numbers, phones and uploaded files are encrypted with an AEAD under a key that lives
//! outside the database, and a keyed hash (HMAC) of each ID number and phone stands beside it for
//! uniqueness and look-up, so that nothing has to be decrypted to find an account.
//!
//! Two suites: AES-256-GCM with HMAC-SHA-256 (the default), and SM4-GCM with HMAC-SM3 for
//! deployments that must pass 密评 (GB/T 39786-2021). The suite and a short key id are written into
//! every sealed value, so a keyring holding the current key and older ones reads everything while
//! `tangui rekey` re-seals row by row, and the servers keep running.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit};
use aes_gcm::{Aes256Gcm, AesGcm};
use hmac::{Hmac, Mac};

type Sm4Gcm = AesGcm<sm4::Sm4, U12>;

/// The suite of a key: how it encrypts and how it hashes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Suite {
    /// AES-256-GCM, HMAC-SHA-256.
    Aes,
    /// SM4-GCM, HMAC-SM3 (商用密码).
    Sm4,
}

impl Suite {
    /// The setting's spelling (`TANGUI_CIPHER`).
    pub fn parse(s: &str) -> Option<Suite> {
        match s.trim().to_ascii_lowercase().as_str() {
            "" | "aes-256-gcm" | "aes" => Some(Suite::Aes),
            "sm4-gcm" | "sm4" => Some(Suite::Sm4),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Suite::Aes => "aes-256-gcm",
            Suite::Sm4 => "sm4-gcm",
        }
    }

    fn tag(self) -> char {
        match self {
            Suite::Aes => 'a',
            Suite::Sm4 => 's',
        }
    }

    fn from_tag(c: char) -> Option<Suite> {
        match c {
            'a' => Some(Suite::Aes),
            's' => Some(Suite::Sm4),
            _ => None,
        }
    }

    fn hmac(self, key: &[u8], parts: &[&[u8]]) -> Vec<u8> {
        match self {
            Suite::Aes => {
                let mut m = <Hmac<sha2::Sha256> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
                parts.iter().for_each(|p| m.update(p));
                m.finalize().into_bytes().to_vec()
            }
            Suite::Sm4 => {
                let mut m = <Hmac<sm3::Sm3> as KeyInit>::new_from_slice(key).expect("HMAC takes any key");
                parts.iter().for_each(|p| m.update(p));
                m.finalize().into_bytes().to_vec()
            }
        }
    }
}

/// Why a sealed value could not be opened.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("sealed under key {0}, which is not in the keyring")]
    UnknownKey(String),
    #[error("the sealed value is damaged or was altered")]
    Damaged,
}

/// One key of the ring: the keys for encryption and for hashing are derived from the master key.
#[derive(Clone)]
pub struct Key {
    pub id: String,
    pub suite: Suite,
    enc: Vec<u8>,
    mac: Vec<u8>,
}

impl std::fmt::Debug for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Key({} {})", self.id, self.suite.as_str())
    }
}

impl Key {
    /// Derives a key from 32 bytes of master key material.
    pub fn derive(master: &[u8; 32], suite: Suite) -> Key {
        let enc = suite.hmac(master, &[b"tangui/v1/encrypt"]);
        let enc = match suite {
            Suite::Aes => enc,
            Suite::Sm4 => enc[..16].to_vec(),
        };
        Key {
            id: hex::encode(&suite.hmac(master, &[b"tangui/v1/key-id"])[..4]),
            suite,
            enc,
            mac: suite.hmac(master, &[b"tangui/v1/lookup"]),
        }
    }

    /// Reads a master key written as 64 hexadecimal digits (what `tangui new-key` prints).
    pub fn parse_master(text: &str) -> anyhow::Result<[u8; 32]> {
        let bytes = hex::decode(text.trim())
            .map_err(|_| anyhow::anyhow!("a key is 64 hexadecimal digits; make one with `tangui new-key`"))?;
        bytes
            .try_into()
            .map_err(|_| anyhow::anyhow!("a key is 64 hexadecimal digits (32 bytes); make one with `tangui new-key`"))
    }

    fn encrypt(&self, nonce: &[u8; 12], plain: &[u8]) -> Vec<u8> {
        let n = aes_gcm::Nonce::<U12>::from(*nonce);
        match self.suite {
            Suite::Aes => Aes256Gcm::new_from_slice(&self.enc).expect("32-byte key").encrypt(&n, plain),
            Suite::Sm4 => Sm4Gcm::new_from_slice(&self.enc).expect("16-byte key").encrypt(&n, plain),
        }
        .expect("GCM encrypts any length this server handles")
    }

    fn decrypt(&self, nonce: &[u8], sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        let nonce: [u8; 12] = nonce.try_into().map_err(|_| VaultError::Damaged)?;
        let n = aes_gcm::Nonce::<U12>::from(nonce);
        match self.suite {
            Suite::Aes => Aes256Gcm::new_from_slice(&self.enc).expect("32-byte key").decrypt(&n, sealed),
            Suite::Sm4 => Sm4Gcm::new_from_slice(&self.enc).expect("16-byte key").decrypt(&n, sealed),
        }
        .map_err(|_| VaultError::Damaged)
    }

    fn lookup(&self, kind: &str, value: &str) -> String {
        hex::encode(self.suite.hmac(&self.mac, &[kind.as_bytes(), b"\0", value.as_bytes()]))
    }
}

const TEXT_PREFIX: &str = "enc1:";
const FILE_MAGIC: &[u8; 5] = b"TGE1\0";

/// The current key, which seals, and older keys, which still open and find.
#[derive(Debug, Clone)]
pub struct Keyring {
    current: Key,
    older: Vec<Key>,
}

impl Keyring {
    /// The current master key in the chosen suite, and older master keys (each in both suites, so
    /// that a change of suite is a rotation like any other).
    pub fn new(current: &[u8; 32], suite: Suite, older: &[[u8; 32]]) -> Keyring {
        let current = Key::derive(current, suite);
        let older = older
            .iter()
            .flat_map(|m| [Key::derive(m, Suite::Aes), Key::derive(m, Suite::Sm4)])
            .filter(|k| k.id != current.id)
            .collect();
        Keyring { current, older }
    }

    pub fn current(&self) -> &Key {
        &self.current
    }

    fn key(&self, id: &str) -> Option<&Key> {
        std::iter::once(&self.current).chain(&self.older).find(|k| k.id == id)
    }

    /// Seals a short text: `enc1:<suite><key id>:<hex of nonce and ciphertext>`.
    pub fn seal(&self, plain: &str) -> String {
        let nonce = nonce();
        let mut out = nonce.to_vec();
        out.extend(self.current.encrypt(&nonce, plain.as_bytes()));
        format!("{TEXT_PREFIX}{}{}:{}", self.current.suite.tag(), self.current.id, hex::encode(out))
    }

    /// Opens a sealed text. A value written before sealing existed comes back as it is; the
    /// server seals those at start-up.
    pub fn open(&self, stored: &str) -> Result<String, VaultError> {
        let Some(rest) = stored.strip_prefix(TEXT_PREFIX) else { return Ok(stored.to_string()) };
        let (head, body) = rest.split_once(':').ok_or(VaultError::Damaged)?;
        let key = self.key_of(head)?;
        let bytes = hex::decode(body).map_err(|_| VaultError::Damaged)?;
        if bytes.len() < 12 {
            return Err(VaultError::Damaged);
        }
        let plain = key.decrypt(&bytes[..12], &bytes[12..])?;
        String::from_utf8(plain).map_err(|_| VaultError::Damaged)
    }

    /// Opens an optional sealed text; a damaged one is logged (without its content) and read as absent.
    pub fn open_opt(&self, stored: Option<&str>) -> Option<String> {
        let s = stored?;
        match self.open(s) {
            Ok(v) => Some(v),
            Err(e) => {
                tracing::error!(error = %e, "a sealed value could not be opened");
                None
            }
        }
    }

    fn key_of(&self, head: &str) -> Result<&Key, VaultError> {
        let mut chars = head.chars();
        let suite = chars.next().and_then(Suite::from_tag).ok_or(VaultError::Damaged)?;
        let id = chars.as_str();
        self.key(id).filter(|k| k.suite == suite).ok_or_else(|| VaultError::UnknownKey(id.to_string()))
    }

    /// Whether a stored text is sealed under the current key (what `rekey` leaves alone).
    pub fn is_current(&self, stored: &str) -> bool {
        stored
            .strip_prefix(TEXT_PREFIX)
            .and_then(|r| r.split_once(':'))
            .is_some_and(|(head, _)| head == format!("{}{}", self.current.suite.tag(), self.current.id))
    }

    /// The look-up hash of a value under the current key. `kind` keeps an ID number and a phone
    /// that happen to share digits apart.
    pub fn lookup(&self, kind: &str, value: &str) -> String {
        self.current.lookup(kind, value)
    }

    /// The look-up hashes under every key of the ring, for finding rows not yet re-sealed.
    pub fn lookups(&self, kind: &str, value: &str) -> Vec<String> {
        std::iter::once(&self.current).chain(&self.older).map(|k| k.lookup(kind, value)).collect()
    }

    /// Seals a file's bytes: magic, suite, key id, nonce, ciphertext.
    pub fn seal_bytes(&self, plain: &[u8]) -> Vec<u8> {
        let nonce = nonce();
        let mut out = FILE_MAGIC.to_vec();
        out.push(self.current.suite.tag() as u8);
        out.extend(self.current.id.as_bytes());
        out.extend(nonce);
        out.extend(self.current.encrypt(&nonce, plain));
        out
    }

    /// Opens a sealed file; a file stored before sealing existed comes back as it is.
    pub fn open_bytes(&self, stored: &[u8]) -> Result<Vec<u8>, VaultError> {
        let Some(rest) = stored.strip_prefix(FILE_MAGIC.as_slice()) else { return Ok(stored.to_vec()) };
        if rest.len() < 1 + 8 + 12 {
            return Err(VaultError::Damaged);
        }
        let head = std::str::from_utf8(&rest[..9]).map_err(|_| VaultError::Damaged)?;
        let key = self.key_of(head)?;
        key.decrypt(&rest[9..21], &rest[21..])
    }

    /// Whether a stored file is sealed under the current key.
    pub fn is_current_bytes(&self, stored: &[u8]) -> bool {
        stored.strip_prefix(FILE_MAGIC.as_slice()).is_some_and(|rest| {
            rest.len() >= 9 && rest[0] == self.current.suite.tag() as u8 && &rest[1..9] == self.current.id.as_bytes()
        })
    }
}

fn nonce() -> [u8; 12] {
    let mut n = [0u8; 12];
    getrandom::fill(&mut n).expect("the OS random source is available");
    n
}

/// A fresh master key, as `tangui new-key` prints it.
pub fn new_master_key() -> String {
    let mut k = [0u8; 32];
    getrandom::fill(&mut k).expect("the OS random source is available");
    hex::encode(k)
}

/// Look-up kinds.
pub const PHONE: &str = "phone";
pub const ID_NUMBER: &str = "id_number";

#[cfg(test)]
mod tests;

/// The keyring the configuration names: the key from `TANGUI_SECRET_KEY`, else the file named by
/// `TANGUI_SECRET_KEY_FILE`, else (SQLite only) `data_dir/secret.key`, made on first start and
/// readable by the owner only, so that the demo needs no setting; older keys from
/// `TANGUI_OLD_SECRET_KEYS`.
pub fn keyring_for(config: &crate::config::Config) -> anyhow::Result<Keyring> {
    let text = match (&config.secret_key, &config.secret_key_file) {
        (Some(k), _) => k.clone(),
        (None, Some(path)) => std::fs::read_to_string(path)
            .map_err(|e| anyhow::anyhow!("TANGUI_SECRET_KEY_FILE {}: {e}", path.display()))?,
        // Several instances over one PostgreSQL need one key, and need no shared disk to hold it.
        (None, None)
            if matches!(crate::db::DbTarget::parse(&config.database_url), crate::db::DbTarget::Postgres(_)) =>
        {
            anyhow::bail!(
                "TANGUI_SECRET_KEY or TANGUI_SECRET_KEY_FILE must be set with PostgreSQL: every instance seals \
                 personal data with the same key (make one with `tangui new-key`)"
            )
        }
        (None, None) => default_key_file(&config.data_dir)?,
    };
    let current = Key::parse_master(&text).map_err(|e| anyhow::anyhow!("TANGUI_SECRET_KEY: {e}"))?;
    let older = config
        .old_secret_keys
        .iter()
        .map(|k| Key::parse_master(k).map_err(|e| anyhow::anyhow!("TANGUI_OLD_SECRET_KEYS: {e}")))
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Keyring::new(&current, config.cipher, &older))
}

fn default_key_file(data_dir: &std::path::Path) -> anyhow::Result<String> {
    let path = data_dir.join("secret.key");
    if let Ok(k) = std::fs::read_to_string(&path) {
        return Ok(k);
    }
    std::fs::create_dir_all(data_dir)?;
    let key = new_master_key();
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    match opts.open(&path) {
        Ok(mut f) => {
            std::io::Write::write_all(&mut f, key.as_bytes())?;
            tracing::warn!(
                path = %path.display(),
                "made a new key for personal data; keep a copy apart from the database backups, \
                 or set TANGUI_SECRET_KEY / TANGUI_SECRET_KEY_FILE"
            );
            Ok(key)
        }
        // Another instance made it first.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(std::fs::read_to_string(&path)?),
        Err(e) => Err(anyhow::anyhow!("{}: {e}", path.display())),
    }
}
