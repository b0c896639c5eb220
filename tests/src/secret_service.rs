//! A private Secret Service for tests: a D-Bus session bus and GNOME Keyring
//! with an unlocked login keyring, in temporary directories, gone on drop. The
//! client finds it through the environment this hands out, exactly as on a
//! desktop session.

use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

use anyhow::{Context, bail};

/// True when the programs a private Secret Service needs are installed.
pub fn available() -> bool {
    ["dbus-daemon", "gnome-keyring-daemon", "secret-tool"]
        .iter()
        .all(|p| crate::on_path(p))
}

/// A running bus and keyring; both stop when this is dropped.
pub struct SecretService {
    bus: Child,
    /// The keyring daemon's process id, from what it prints when ready.
    keyring_pid: Option<u32>,
    address: String,
    home: tempfile::TempDir,
    runtime: tempfile::TempDir,
}

impl SecretService {
    /// Starts a session bus and an unlocked keyring on it.
    pub fn start() -> anyhow::Result<SecretService> {
        let home = tempfile::tempdir()?;
        let runtime = tempfile::tempdir()?;
        let mut bus = Command::new("dbus-daemon")
            .args(["--session", "--nofork", "--print-address=1"])
            .env("HOME", home.path())
            .env("XDG_RUNTIME_DIR", runtime.path())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context("start dbus-daemon")?;
        let mut line = String::new();
        let stdout = bus.stdout.take().context("dbus-daemon stdout")?;
        // The address line is the daemon's signal that it is listening.
        std::io::BufRead::read_line(&mut std::io::BufReader::new(stdout), &mut line)?;
        let address = line.trim().to_string();
        if address.is_empty() {
            bail!("dbus-daemon printed no address");
        }
        let mut service = SecretService {
            bus,
            keyring_pid: None,
            address,
            home,
            runtime,
        };
        let mut keyring = service
            .command("gnome-keyring-daemon")
            .args(["--unlock", "--components=secrets", "--daemonize"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("start gnome-keyring-daemon")?;
        if let Some(mut stdin) = keyring.stdin.take() {
            std::io::Write::write_all(&mut stdin, b"test-login-password")?;
        }
        // With --daemonize it prints its environment (GNOME_KEYRING_PID=…)
        // once it has taken its name on the bus, then the parent exits.
        let out = keyring.wait_with_output()?;
        if !out.status.success() {
            bail!("gnome-keyring-daemon failed: {}", out.status);
        }
        service.keyring_pid = String::from_utf8_lossy(&out.stdout)
            .lines()
            .find_map(|l| l.strip_prefix("GNOME_KEYRING_PID="))
            .and_then(|pid| pid.trim().parse().ok());
        Ok(service)
    }

    /// A command that runs inside this session (bus address, home, runtime dir).
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        for (k, v) in self.env() {
            cmd.env(k, v);
        }
        cmd
    }

    /// The environment of this session.
    pub fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("DBUS_SESSION_BUS_ADDRESS", self.address.clone()),
            ("HOME", path(self.home.path().to_path_buf())),
            ("XDG_RUNTIME_DIR", path(self.runtime.path().to_path_buf())),
        ]
    }
}

fn path(p: PathBuf) -> String {
    p.to_string_lossy().into_owned()
}

impl Drop for SecretService {
    fn drop(&mut self) {
        if let Some(pid) = self.keyring_pid {
            let _ = Command::new("kill").arg(pid.to_string()).status();
        }
        let _ = self.bus.kill();
        let _ = self.bus.wait();
    }
}
