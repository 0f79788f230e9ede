//! A real SMS gateway for the tests: Kannel's `bearerbox` and `smsbox` from the Debian packages,
//! with `fakesmsc` (kannel-extras) as the carrier, all on loopback ports of their own. Messages
//! the portal sends arrive at fakesmsc (read back from its output); a text "from a phone" is
//! fakesmsc sending one to the gateway, which calls the portal's incoming-text URL.
//!
//! Skipped when Kannel is not installed, unless `TANGUI_KANNEL_REQUIRED=1` (set by the test command).

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use backend::config::SmsConfig;

const BEARERBOX: &str = "/usr/sbin/bearerbox";
const SMSBOX: &str = "/usr/sbin/smsbox";
const FAKESMSC: &str = "/usr/lib/kannel/test/fakesmsc";

/// The sender number the tests' city texts from.
pub const SENDER: &str = "10690000";
pub const SECRET: &str = "kannel-test-secret-0123456789";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn listening(port: u16) -> bool {
    std::net::TcpStream::connect(("127.0.0.1", port)).is_ok()
}

fn required() -> bool {
    std::env::var("TANGUI_KANNEL_REQUIRED").is_ok_and(|v| v == "1" || v == "true")
}

pub struct Kannel {
    dir: PathBuf,
    conf: PathBuf,
    bearerbox: Option<Child>,
    smsbox: Option<Child>,
    fakesmsc: Option<Child>,
    carrier_logs: Vec<PathBuf>,
    pub sendsms_port: u16,
    smsc_port: u16,
    box_port: u16,
}

impl Drop for Kannel {
    fn drop(&mut self) {
        for c in [self.fakesmsc.take(), self.smsbox.take(), self.bearerbox.take()].into_iter().flatten() {
            kill(c);
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn kill(mut c: Child) {
    let _ = c.kill();
    let _ = c.wait();
}

/// A message as fakesmsc printed it: `Got message N: <from to ucs-2 %xx%xx…>`, or for one part
/// of a long message `<from to udh %05%00%03… data %xx…>` (joined again by [`Kannel::received`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Received {
    pub from: String,
    pub to: String,
    pub text: String,
}

/// One printed line: who, and the text or one part of it (reference, parts, this part's number).
struct Part {
    from: String,
    to: String,
    concat: Option<(u8, u8, u8)>,
    bytes: Vec<u8>,
    ucs2: bool,
}

fn unescape(data: &str) -> Option<Vec<u8>> {
    let raw = data.as_bytes();
    let mut bytes = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if raw[i] == b'%' && i + 3 <= raw.len() {
            bytes.push(u8::from_str_radix(std::str::from_utf8(&raw[i + 1..i + 3]).ok()?, 16).ok()?);
            i += 3;
        } else if raw[i] == b'+' {
            // fakesmsc URL-encodes a 0x20 byte as "+".
            bytes.push(b' ');
            i += 1;
        } else {
            bytes.push(raw[i]);
            i += 1;
        }
    }
    Some(bytes)
}

fn decode_part(line: &str) -> Option<Part> {
    let body = line.split_once("Got message")?.1;
    let inner = body.split_once('<')?.1.rsplit_once('>')?.0;
    let mut parts = inner.splitn(4, ' ');
    let (from, to, coding, rest) = (parts.next()?, parts.next()?, parts.next()?, parts.next().unwrap_or_default());
    let (concat, bytes, ucs2) = match coding {
        "udh" => {
            let (udh, data) = rest.split_once(' ')?;
            let data = data.strip_prefix("data ").unwrap_or(data);
            let udh = unescape(udh)?;
            // 05 00 03 ref total seq: one part of a concatenated message.
            let concat = (udh.len() >= 6 && udh[1] == 0).then(|| (udh[3], udh[4], udh[5]));
            // The portal sends every text as UCS-2 (coding=2).
            (concat, unescape(data)?, true)
        }
        "ucs-2" => (None, unescape(rest)?, true),
        _ => (None, unescape(rest)?, false),
    };
    Some(Part { from: from.to_string(), to: to.to_string(), concat, bytes, ucs2 })
}

fn text_of(bytes: &[u8], ucs2: bool) -> String {
    if ucs2 {
        let units: Vec<u16> = bytes.chunks(2).map(|p| u16::from_be_bytes([p[0], *p.get(1).unwrap_or(&0)])).collect();
        String::from_utf16_lossy(&units)
    } else {
        String::from_utf8_lossy(bytes).to_string()
    }
}

/// Joins the parts of long messages (by recipient and reference, in part order).
fn join(parts: Vec<Part>) -> Vec<Received> {
    let mut out = Vec::new();
    let mut pending: std::collections::BTreeMap<(String, u8), Vec<Part>> = Default::default();
    for p in parts {
        match p.concat {
            None => out.push(Received { from: p.from.clone(), to: p.to.clone(), text: text_of(&p.bytes, p.ucs2) }),
            Some((r, total, _)) => {
                let key = (p.to.clone(), r);
                let list = pending.entry(key.clone()).or_default();
                list.push(p);
                if list.len() == total as usize {
                    let mut list = pending.remove(&key).unwrap_or_default();
                    list.sort_by_key(|x| x.concat.map(|c| c.2));
                    let bytes: Vec<u8> = list.iter().flat_map(|x| x.bytes.clone()).collect();
                    out.push(Received {
                        from: list[0].from.clone(),
                        to: list[0].to.clone(),
                        text: text_of(&bytes, true),
                    });
                }
            }
        }
    }
    out
}

impl Kannel {
    /// Starts the gateway and the carrier; texts received are passed to `incoming_url`
    /// (Kannel fills in `%p` and `%a`). `None` when Kannel is not installed.
    pub async fn start(incoming_base: &str) -> Option<Kannel> {
        let missing: Vec<&str> = [BEARERBOX, SMSBOX, FAKESMSC].into_iter().filter(|p| !Path::new(p).exists()).collect();
        if !missing.is_empty() {
            assert!(
                !required(),
                "Kannel tests are required but {missing:?} are missing (apt-get install kannel kannel-extras)"
            );
            eprintln!("skipping: Kannel is not installed ({missing:?})");
            return None;
        }
        let dir = std::env::temp_dir().join(format!("tangui-kannel-{}", backend::auth::rand_bytes::random_hex(6)));
        std::fs::create_dir_all(&dir).unwrap();
        let (admin, boxp, smsc, sendsms) = (free_port(), free_port(), free_port(), free_port());
        let conf = dir.join("kannel.conf");
        let d = dir.display();
        std::fs::write(
            &conf,
            format!(
                r#"group = core
admin-port = {admin}
admin-password = test
admin-interface = 127.0.0.1
smsbox-port = {boxp}
box-allow-ip = 127.0.0.1
log-file = "{d}/bearerbox.log"
log-level = 1
dlr-storage = internal

group = smsc
smsc = fake
smsc-id = fake
port = {smsc}
connect-allow-ip = 127.0.0.1

group = smsbox
bearerbox-host = 127.0.0.1
bearerbox-port = {boxp}
sendsms-port = {sendsms}
sendsms-interface = 127.0.0.1
log-file = "{d}/smsbox.log"
log-level = 1

group = sendsms-user
username = tangui
password = tangui-test
max-messages = 10
concatenation = true

group = sms-service
keyword = default
get-url = "{incoming_base}/api/v1/sms/incoming?key={SECRET}&from=%p&text=%a"
catch-all = true
omit-empty = true
max-messages = 0
"#
            ),
        )
        .unwrap();
        let mut k = Kannel {
            dir,
            conf,
            bearerbox: None,
            smsbox: None,
            fakesmsc: None,
            carrier_logs: Vec::new(),
            sendsms_port: sendsms,
            smsc_port: smsc,
            box_port: boxp,
        };
        k.start_gateway().await;
        k.connect_carrier(None);
        Some(k)
    }

    /// The portal's settings for this gateway; delivery reports come back to `callback_base`.
    pub fn sms_config(&self, callback_base: &str) -> SmsConfig {
        SmsConfig {
            gateway_url: Some(format!("http://127.0.0.1:{}/cgi-bin/sendsms", self.sendsms_port)),
            username: "tangui".into(),
            password: "tangui-test".into(),
            sender: SENDER.into(),
            callback_secret: Some(SECRET.into()),
            callback_url: callback_base.to_string(),
            rate_per_sec: 200,
            per_recipient_hour: 100,
            quiet_hours: None,
            max_attempts: 8,
            retry_base_secs: 1,
            poll_ms: 100,
        }
    }

    fn spawn(&self, bin: &str, log: &str) -> Child {
        Command::new(bin)
            .arg(&self.conf)
            .stdout(Stdio::from(std::fs::File::create(self.dir.join(log)).unwrap()))
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("start {bin}: {e}"))
    }

    /// Starts bearerbox and smsbox and waits until sendsms answers. smsbox gives up at once when
    /// bearerbox is not listening yet (slow on a loaded machine), so it starts only once bearerbox
    /// takes connections, and is started again if it exits before sendsms opens.
    pub async fn start_gateway(&mut self) {
        self.bearerbox = Some(self.spawn(BEARERBOX, "bearerbox.out"));
        let deadline = Instant::now() + Duration::from_secs(60);
        while !listening(self.box_port) {
            self.assert_alive("bearerbox", deadline);
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        self.smsbox = Some(self.spawn(SMSBOX, "smsbox.out"));
        while !listening(self.sendsms_port) {
            self.assert_alive("bearerbox", deadline);
            if self.smsbox.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_some()) {
                tokio::time::sleep(Duration::from_millis(300)).await;
                self.smsbox = Some(self.spawn(SMSBOX, "smsbox.out"));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Fails with the gateway's own logs when bearerbox died or the deadline passed.
    fn assert_alive(&mut self, what: &str, deadline: Instant) {
        let exited = self.bearerbox.as_mut().is_some_and(|c| c.try_wait().ok().flatten().is_some());
        if exited || Instant::now() > deadline {
            let logs: String = ["bearerbox.log", "smsbox.log", "bearerbox.out", "smsbox.out"]
                .iter()
                .map(|f| {
                    let text = std::fs::read_to_string(self.dir.join(f)).unwrap_or_default();
                    let tail: Vec<&str> = text.lines().rev().take(15).collect();
                    format!("--- {f}\n{}\n", tail.into_iter().rev().collect::<Vec<_>>().join("\n"))
                })
                .collect();
            panic!("Kannel's sendsms did not come up ({what} exited: {exited})\n{logs}");
        }
    }

    /// Stops bearerbox and smsbox at once, as a crash or an outage would.
    pub fn stop_gateway(&mut self) {
        for c in [self.smsbox.take(), self.bearerbox.take()].into_iter().flatten() {
            kill(c);
        }
    }

    /// (Re)connects the carrier; with `send`, it first texts that message to the gateway as
    /// `"from to text words…"`.
    pub fn connect_carrier(&mut self, send: Option<&str>) {
        if let Some(old) = self.fakesmsc.take() {
            kill(old);
        }
        let log = self.dir.join(format!("fakesmsc-{}.out", self.carrier_logs.len()));
        let mut cmd = Command::new(FAKESMSC);
        cmd.args(["-H", "127.0.0.1", "-r", &self.smsc_port.to_string(), "-i", "0.2"]);
        match send {
            Some(msg) => cmd.args(["-m", "1", msg]),
            None => cmd.args(["-m", "0", "unused"]),
        };
        let child = cmd
            .stdout(Stdio::from(std::fs::File::create(&log).unwrap()))
            .stderr(Stdio::from(std::fs::File::create(log.with_extension("err")).unwrap()))
            .spawn()
            .expect("start fakesmsc");
        self.carrier_logs.push(log);
        self.fakesmsc = Some(child);
    }

    /// A text from a phone to the city's number.
    pub fn text_from(&mut self, phone: &str, text: &str) {
        self.connect_carrier(Some(&format!("{phone} {SENDER} text {text}")));
    }

    /// Every message the carrier has received so far (long ones joined from their parts).
    pub fn received(&self) -> Vec<Received> {
        let mut parts = Vec::new();
        for log in &self.carrier_logs {
            for path in [log.clone(), log.with_extension("err")] {
                let text = std::fs::read_to_string(&path).unwrap_or_default();
                parts.extend(text.lines().filter_map(decode_part));
            }
        }
        join(parts)
    }

    /// Waits until the carrier has received at least `n` messages.
    pub async fn wait_received(&self, n: usize) -> Vec<Received> {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            let got = self.received();
            if got.len() >= n {
                return got;
            }
            assert!(Instant::now() < deadline, "the carrier got {} messages, not {n}: {got:?}", got.len());
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
    }
}

#[test]
fn fakesmsc_lines_decode_to_the_text() {
    let line = "2026-12-01 06:58:37 [5418] [0] DEBUG: Got message 1: <10690000 13800000001 ucs-2 dJOM%00A%00-%001>";
    let r = join(vec![decode_part(line).unwrap()]);
    assert_eq!((r[0].from.as_str(), r[0].to.as_str(), r[0].text.as_str()), ("10690000", "13800000001", "摊位A-1"));
    assert!(decode_part("INFO: fakesmsc starting").is_none());
    // A long message in two parts, the second printed first.
    let two = "Got message 3: <1 2 udh %05%00%03%07%02%02 data %00A>";
    let one = "Got message 2: <1 2 udh %05%00%03%07%02%01 data dJOM>";
    let r = join(vec![decode_part(two).unwrap(), decode_part(one).unwrap()]);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].text, "摊位A");
}
