//! What the benchmark examples share: the machine they ran on and the memory they used.
// Each example uses what it needs of this.
#![allow(dead_code)]

use std::process::Command;

/// Peak resident memory of this process (VmHWM), in MiB.
pub fn peak_rss_mib() -> f64 {
    peak_rss_mib_of("self")
}

/// Peak resident memory (VmHWM) of a process by pid (or "self"), in MiB.
pub fn peak_rss_mib_of(pid: &str) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<f64>().unwrap_or(0.0))
        })
        .unwrap_or(0.0)
        / 1024.0
}

/// First line a command prints for `arg` (a version, say), or "" when it is missing.
pub fn first_line(cmd: &str, arg: &str) -> String {
    Command::new(cmd)
        .arg(arg)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).lines().next().unwrap_or("").to_string())
        .unwrap_or_default()
}

/// Cores, CPU model, memory, kernel and compiler: the line every report starts from.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|c| {
            c.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|m| {
            m.lines()
                .next()
                .map(|l| l.split_whitespace().nth(1).unwrap_or("0").parse::<u64>().unwrap_or(0) / 1024 / 1024)
        })
        .unwrap_or(0);
    format!("{cores} cores ({cpu}), {mem} GiB RAM; {}; {}", first_line("uname", "-sr"), first_line("rustc", "-V"))
}

/// Starts a new peak for a process's VmHWM (Linux `clear_refs` value 5), so each load reports
/// its own peak memory.
pub fn reset_peak_rss(pid: &str) {
    let _ = std::fs::write(format!("/proc/{pid}/clear_refs"), "5");
}

/// Writes a benchmark's figures to `target/bench/<name>.json`, where `cargo xtask
/// bench-production` gathers them into one report.
pub fn write_summary(name: &str, figures: serde_json::Value) {
    let figures = serde_json::json!({ "machine": machine(), "figures": figures });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/bench");
    let _ = std::fs::create_dir_all(&dir);
    let _ =
        std::fs::write(dir.join(format!("{name}.json")), serde_json::to_string_pretty(&figures).unwrap_or_default());
}
