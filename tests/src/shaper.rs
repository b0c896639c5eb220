//! A traffic-shaping TCP proxy on loopback: the slow, lossy and flapping mobile
//! links of issue 12, made from userspace because these kernels have no netem.
//!
//! Per direction, bytes go through a token bucket (the link's rate, shared by every
//! connection, as one radio link is) and a delay line (half the round trip each way);
//! a new connection pays one extra round trip before its first byte, as a TCP
//! handshake does. Loss is modelled the way TCP shows it to an application: a lost
//! packet (1,400 bytes or less) arrives one retransmission timeout late and holds
//! back everything behind it (in-order delivery); a packet lost four times in a row
//! gives up the connection (reset). A flapping link goes down on a schedule: open
//! connections are reset and new ones are refused (accepted, then reset) until it
//! comes back. Tests can also take the link down, bring it up, or cut every open
//! connection once a number of bytes has gone down.
//!
//! Profiles are data ([`PROFILES`]): [`TWO_G`], [`THREE_G`], [`LOSSY`], [`FLAPPING`].
//! Randomness (loss) comes from a seeded generator per connection and direction, so a
//! run can be replayed. The shaper listens on 127.0.0.1 only.
//!
//! It does not look inside HTTP (see [`crate::faults`] for request-level faults) and
//! does not promise exact figures: timers and socket buffers blur rates by a few
//! per cent, which benchmarks report and tests do not assert.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

/// Largest piece of data moved at once: about one TCP segment.
const PACKET: usize = 1400;
/// A packet lost this many times in a row gives up its connection.
const MAX_RETRANSMITS: u32 = 3;
/// Smallest retransmission timeout (Linux's floor), added to the round trip.
const MIN_RTO: Duration = Duration::from_millis(200);
/// How far behind the schedule a sender may be and still use the slot it missed:
/// timers wake a little late, and without this the lateness would add up packet
/// after packet (a 14 % slower 3G link). Worth 22 bytes at 2G rates.
const TIMER_SLACK: Duration = Duration::from_millis(5);

/// A link that goes down and comes back on a fixed schedule, starting up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flap {
    /// How long each up period lasts.
    pub up: Duration,
    /// How long each down period lasts.
    pub down: Duration,
}

/// A network profile: rates, round trip, loss and flapping.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Profile {
    /// Short name used on command lines and in reports ("2g").
    pub name: &'static str,
    /// Server → client rate in bits per second; 0 means unlimited.
    pub down_bits_per_sec: u64,
    /// Client → server rate in bits per second; 0 means unlimited.
    pub up_bits_per_sec: u64,
    /// Round-trip time added by the link (half each way).
    pub rtt: Duration,
    /// Per cent of packets lost (each loss costs one retransmission timeout).
    pub loss_percent: u32,
    /// Up/down schedule, for a flapping link.
    pub flap: Option<Flap>,
}

/// 2G (EDGE in a weak cell): 35 kbit/s down, 32 kbit/s up, 1,300 ms round trip.
pub const TWO_G: Profile = Profile {
    name: "2g",
    down_bits_per_sec: 35_000,
    up_bits_per_sec: 32_000,
    rtt: Duration::from_millis(1300),
    loss_percent: 0,
    flap: None,
};

/// 3G: 1.6 Mbit/s down, 768 kbit/s up, 300 ms round trip.
pub const THREE_G: Profile = Profile {
    name: "3g",
    down_bits_per_sec: 1_600_000,
    up_bits_per_sec: 768_000,
    rtt: Duration::from_millis(300),
    loss_percent: 0,
    flap: None,
};

/// 3G with 10 % packet loss.
pub const LOSSY: Profile = Profile {
    name: "lossy",
    loss_percent: 10,
    ..THREE_G
};

/// 2G that is up 5 s, then down 10 s, again and again.
pub const FLAPPING: Profile = Profile {
    name: "flapping",
    flap: Some(Flap {
        up: Duration::from_secs(5),
        down: Duration::from_secs(10),
    }),
    ..TWO_G
};

/// Every named profile, in the order reports list them.
pub const PROFILES: [Profile; 4] = [TWO_G, THREE_G, LOSSY, FLAPPING];

impl Profile {
    /// The profile called `name` (case-insensitive), if any.
    pub fn named(name: &str) -> Option<Profile> {
        PROFILES
            .into_iter()
            .find(|p| p.name.eq_ignore_ascii_case(name))
    }

    /// An unshaped link with only a round trip: for tests where rates are not the point.
    pub fn fast(rtt: Duration) -> Profile {
        Profile {
            name: "fast",
            down_bits_per_sec: 0,
            up_bits_per_sec: 0,
            rtt,
            loss_percent: 0,
            flap: None,
        }
    }

    fn one_way(&self) -> Duration {
        self.rtt / 2
    }

    fn rto(&self) -> Duration {
        self.rtt + MIN_RTO
    }
}

/// What the shaper did, updated as it happens.
#[derive(Debug, Default)]
pub struct LinkStats {
    /// Client → server bytes delivered.
    pub up_bytes: AtomicU64,
    /// Server → client bytes delivered.
    pub down_bytes: AtomicU64,
    /// Connections accepted and forwarded.
    pub connections: AtomicU64,
    /// Connections refused because the link was down.
    pub refused: AtomicU64,
    /// Open connections cut (link down, a test's cut, or too many losses).
    pub cuts: AtomicU64,
    /// Packets that were lost and sent again.
    pub retransmits: AtomicU64,
}

impl LinkStats {
    /// Bytes delivered both ways.
    pub fn bytes(&self) -> u64 {
        self.up_bytes.load(Ordering::SeqCst) + self.down_bytes.load(Ordering::SeqCst)
    }
}

/// The state connections watch: a connection dies when the link goes down or the
/// generation changes (a cut of everything open).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Link {
    up: bool,
    generation: u64,
}

impl Link {
    /// Whether a connection opened at `start` is dead now.
    fn cuts(self, start: Link) -> bool {
        !self.up || self.generation != start.generation
    }
}

/// A rate limit shared by every connection in one direction: each packet reserves
/// the next free slot on the wire and waits until it has been "sent".
#[derive(Debug)]
struct Bucket {
    bytes_per_sec: f64,
    next_free: Mutex<Instant>,
}

impl Bucket {
    fn new(bits_per_sec: u64) -> Bucket {
        Bucket {
            // bits → bytes; the precision lost in the cast is irrelevant for rates.
            bytes_per_sec: bits_per_sec as f64 / 8.0,
            next_free: Mutex::new(Instant::now()),
        }
    }

    /// Waits until `n` bytes have crossed the link; returns when they finished.
    async fn take(&self, n: usize) -> Instant {
        if self.bytes_per_sec <= 0.0 {
            return Instant::now();
        }
        let done = {
            let mut next = self
                .next_free
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            let now = Instant::now();
            let start = (*next).max(now.checked_sub(TIMER_SLACK).unwrap_or(now));
            let done = start + Duration::from_secs_f64(n as f64 / self.bytes_per_sec);
            *next = done;
            done
        };
        tokio::time::sleep_until(done).await;
        done
    }
}

struct Shared {
    profile: Profile,
    upstream: SocketAddr,
    stats: LinkStats,
    up: Bucket,
    down: Bucket,
    link: watch::Sender<Link>,
    seed: u64,
    next_connection: AtomicU64,
    /// Cut everything open once `down_bytes` reaches this.
    cut_at_down_bytes: Mutex<Option<u64>>,
}

impl Shared {
    fn cut_all(&self) {
        self.link.send_modify(|l| l.generation += 1);
    }

    fn set_up(&self, up: bool) {
        self.link.send_if_modified(|l| {
            let changed = l.up != up;
            l.up = up;
            changed
        });
    }

    /// Counts delivered bytes and fires an armed cut.
    fn delivered(&self, direction: Direction, n: usize) {
        let n = n as u64;
        match direction {
            Direction::Up => {
                self.stats.up_bytes.fetch_add(n, Ordering::SeqCst);
            }
            Direction::Down => {
                let total = self.stats.down_bytes.fetch_add(n, Ordering::SeqCst) + n;
                let mut armed = self
                    .cut_at_down_bytes
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if armed.is_some_and(|at| total >= at) {
                    *armed = None;
                    drop(armed);
                    self.cut_all();
                }
            }
        }
    }
}

/// A running shaping proxy; stops (and closes everything) when dropped.
pub struct Shaper {
    addr: SocketAddr,
    shared: Arc<Shared>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Shaper {
    /// Listens on a loopback port and forwards every connection to `upstream`
    /// through a link shaped like `profile`; `seed` fixes the losses.
    pub async fn start(upstream: SocketAddr, profile: Profile, seed: u64) -> anyhow::Result<Self> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let (link, _) = watch::channel(Link {
            up: true,
            generation: 0,
        });
        let shared = Arc::new(Shared {
            profile,
            upstream,
            stats: LinkStats::default(),
            up: Bucket::new(profile.up_bits_per_sec),
            down: Bucket::new(profile.down_bits_per_sec),
            link,
            seed: seed.max(1),
            next_connection: AtomicU64::new(0),
            cut_at_down_bytes: Mutex::new(None),
        });
        let mut tasks = vec![tokio::spawn(accept_loop(listener, shared.clone()))];
        if let Some(flap) = profile.flap {
            tasks.push(tokio::spawn(flap_loop(flap, shared.clone())));
        }
        Ok(Self {
            addr,
            shared,
            tasks,
        })
    }

    /// Base URL of the proxy.
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The proxy's socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The profile the link follows.
    pub fn profile(&self) -> Profile {
        self.shared.profile
    }

    /// What the link has done so far.
    pub fn stats(&self) -> &LinkStats {
        &self.shared.stats
    }

    /// Whether the link is up now.
    pub fn is_up(&self) -> bool {
        self.shared.link.borrow().up
    }

    /// Takes the link down: open connections are reset, new ones refused.
    pub fn set_down(&self) {
        self.shared.set_up(false);
    }

    /// Brings the link back up.
    pub fn set_up(&self) {
        self.shared.set_up(true);
    }

    /// From now on the link goes down and comes back on `flap`'s schedule (starting
    /// up), as a link that was good turns flaky: a test can make a device ready over
    /// a steady link, then watch it carry on through a flapping one.
    pub fn start_flapping(&mut self, flap: Flap) {
        self.tasks
            .push(tokio::spawn(flap_loop(flap, self.shared.clone())));
    }

    /// Resets every open connection now; the link stays up.
    pub fn cut(&self) {
        self.shared.cut_all();
    }

    /// Resets every open connection once `bytes` more have gone down (server →
    /// client), which lands the cut inside a response body.
    pub fn cut_after_down_bytes(&self, bytes: u64) {
        let at = self.shared.stats.down_bytes.load(Ordering::SeqCst) + bytes;
        *self
            .shared
            .cut_at_down_bytes
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Some(at);
    }
}

impl Drop for Shaper {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
        // Connections watch the link: a last cut closes them too.
        self.shared.set_up(false);
    }
}

/// Resets a connection (RST, not FIN), as a dead mobile link looks to a client.
fn reset(stream: TcpStream) {
    let _ = stream.set_zero_linger();
    drop(stream);
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    while let Ok((client, _)) = listener.accept().await {
        if !shared.link.borrow().up {
            shared.stats.refused.fetch_add(1, Ordering::SeqCst);
            reset(client);
            continue;
        }
        shared.stats.connections.fetch_add(1, Ordering::SeqCst);
        tokio::spawn(connection(client, shared.clone()));
    }
}

async fn flap_loop(flap: Flap, shared: Arc<Shared>) {
    loop {
        tokio::time::sleep(flap.up).await;
        shared.set_up(false);
        tokio::time::sleep(flap.down).await;
        shared.set_up(true);
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Up,
    Down,
}

/// A connection given up: one packet was lost too many times, or the link cut it.
#[derive(Debug)]
struct GaveUp;

async fn connection(mut client: TcpStream, shared: Arc<Shared>) {
    let accepted = Instant::now();
    let mut link = shared.link.subscribe();
    let start = *link.borrow_and_update();
    if !start.up {
        shared.stats.refused.fetch_add(1, Ordering::SeqCst);
        reset(client);
        return;
    }
    let Ok(mut server) = TcpStream::connect(shared.upstream).await else {
        reset(client);
        return;
    };
    let _ = client.set_nodelay(true);
    let _ = server.set_nodelay(true);
    let id = shared.next_connection.fetch_add(1, Ordering::SeqCst);
    let cut = async {
        loop {
            if link.changed().await.is_err() {
                return;
            }
            if link.borrow_and_update().cuts(start) {
                return;
            }
        }
    };
    let cut_off = {
        let (client_read, client_write) = client.split();
        let (server_read, server_write) = server.split();
        let profile = shared.profile;
        let up = pipe(
            client_read,
            server_write,
            &shared,
            Direction::Up,
            (accepted + profile.rtt, start),
            rng_seed(shared.seed, id, Direction::Up),
        );
        let down = pipe(
            server_read,
            client_write,
            &shared,
            Direction::Down,
            (accepted, start),
            rng_seed(shared.seed, id, Direction::Down),
        );
        tokio::select! {
            finished = async { tokio::try_join!(up, down) } => finished.is_err(),
            () = cut => true,
        }
    };
    if cut_off {
        shared.stats.cuts.fetch_add(1, Ordering::SeqCst);
        reset(client);
    }
}

fn rng_seed(seed: u64, connection: u64, direction: Direction) -> u64 {
    let salt = match direction {
        Direction::Up => 0x9e37_79b9_7f4a_7c15,
        Direction::Down => 0xc2b2_ae3d_27d4_eb4f,
    };
    (seed ^ salt ^ connection.wrapping_mul(0x2545_f491_4f6c_dd1d)).max(1)
}

/// xorshift64: small, seeded, good enough to spread losses.
fn next_random(state: &mut u64) -> u64 {
    let mut x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    x
}

/// One direction of a connection: read packets, pace them through the bucket, give
/// them their delay (and any retransmission delays), deliver them in order.
/// `ready_at` is when the first byte may leave (after the handshake, upstream);
/// `start` is the link the connection was opened on: once the link has cut it,
/// not one more byte is delivered (packets already due would otherwise be written
/// before the connection's task looks at the link again).
async fn pipe(
    mut from: impl AsyncRead + Unpin,
    mut to: impl AsyncWrite + Unpin,
    shared: &Shared,
    direction: Direction,
    (ready_at, start): (Instant, Link),
    seed: u64,
) -> Result<(), GaveUp> {
    let profile = shared.profile;
    let bucket = match direction {
        Direction::Up => &shared.up,
        Direction::Down => &shared.down,
    };
    let (tx, mut rx) = mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reader = async move {
        let mut rng = seed;
        let mut buf = vec![0u8; PACKET];
        loop {
            let n = match from.read(&mut buf).await {
                Ok(0) | Err(_) => return Ok(()),
                Ok(n) => n,
            };
            let sent = bucket.take(n).await.max(ready_at);
            let mut arrives = sent + profile.one_way();
            let mut rto = profile.rto();
            let mut losses = 0;
            while profile.loss_percent > 0
                && next_random(&mut rng) % 100 < u64::from(profile.loss_percent)
            {
                losses += 1;
                if losses > MAX_RETRANSMITS {
                    return Err(GaveUp);
                }
                shared.stats.retransmits.fetch_add(1, Ordering::SeqCst);
                arrives += rto;
                rto *= 2;
            }
            if tx.send((arrives, buf[..n].to_vec())).is_err() {
                return Ok(());
            }
        }
    };
    let writer = async move {
        let mut not_before = ready_at;
        while let Some((arrives, bytes)) = rx.recv().await {
            // In order: nothing overtakes a packet that is being retransmitted.
            not_before = not_before.max(arrives);
            tokio::time::sleep_until(not_before).await;
            if shared.link.borrow().cuts(start) {
                return Err(GaveUp);
            }
            if to.write_all(&bytes).await.is_err() {
                break;
            }
            shared.delivered(direction, bytes.len());
        }
        let _ = to.shutdown().await;
        Ok::<(), GaveUp>(())
    };
    tokio::try_join!(reader, writer).map(|_| ())
}

#[cfg(test)]
mod tests {
    //! Behaviour of the shaper itself: everything arrives, in order; delays and cuts
    //! happen. Rates are a benchmark's business, so no test here measures them.
    use super::*;

    /// An echo server on loopback; returns its address.
    async fn echo_server() -> SocketAddr {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let (mut r, mut w) = socket.split();
                    let _ = tokio::io::copy(&mut r, &mut w).await;
                });
            }
        });
        addr
    }

    fn pattern(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i % 251) as u8).collect()
    }

    /// Writes `data` through the shaper to the echo server and reads it all back.
    async fn round_trip(shaper: &Shaper, data: &[u8]) -> std::io::Result<Vec<u8>> {
        let mut stream = TcpStream::connect(shaper.addr()).await?;
        let (mut r, mut w) = stream.split();
        let write = async {
            w.write_all(data).await?;
            w.shutdown().await
        };
        let mut back = Vec::new();
        let read = r.read_to_end(&mut back);
        tokio::try_join!(write, read)?;
        Ok(back)
    }

    #[test]
    fn profiles_are_named_and_as_the_issue_says() {
        assert_eq!(Profile::named("2G"), Some(TWO_G));
        assert_eq!(TWO_G.down_bits_per_sec, 35_000);
        assert_eq!(TWO_G.up_bits_per_sec, 32_000);
        assert_eq!(TWO_G.rtt, Duration::from_millis(1300));
        assert_eq!(THREE_G.rtt, Duration::from_millis(300));
        assert_eq!(LOSSY.loss_percent, 10);
        assert_eq!(LOSSY.down_bits_per_sec, THREE_G.down_bits_per_sec);
        let flap = FLAPPING.flap.unwrap();
        assert_eq!((flap.up.as_secs(), flap.down.as_secs()), (5, 10));
        assert_eq!(Profile::named("5g"), None);
    }

    #[tokio::test]
    async fn delivers_everything_in_order_both_ways() {
        let echo = echo_server().await;
        let profile = Profile {
            name: "test",
            down_bits_per_sec: 8_000_000,
            up_bits_per_sec: 4_000_000,
            rtt: Duration::from_millis(20),
            loss_percent: 0,
            flap: None,
        };
        let shaper = Shaper::start(echo, profile, 1).await.unwrap();
        let data = pattern(200_000);
        let back = round_trip(&shaper, &data).await.unwrap();
        assert!(
            back == data,
            "echo differs: {} of {} bytes",
            back.len(),
            data.len()
        );
        assert_eq!(shaper.stats().up_bytes.load(Ordering::SeqCst), 200_000);
        assert_eq!(shaper.stats().down_bytes.load(Ordering::SeqCst), 200_000);
        assert_eq!(shaper.stats().cuts.load(Ordering::SeqCst), 0);
    }

    #[tokio::test]
    async fn lost_packets_arrive_late_but_in_order() {
        let echo = echo_server().await;
        let profile = Profile {
            loss_percent: 10,
            ..Profile::fast(Duration::from_millis(2))
        };
        // Seed chosen so that no packet is lost four times in a row in this exchange.
        let shaper = Shaper::start(echo, profile, 7).await.unwrap();
        let data = pattern(60_000);
        let back = round_trip(&shaper, &data).await.unwrap();
        assert!(
            back == data,
            "echo differs: {} of {} bytes",
            back.len(),
            data.len()
        );
        assert!(shaper.stats().retransmits.load(Ordering::SeqCst) > 0);
    }

    #[tokio::test]
    async fn a_new_connection_pays_a_handshake_and_each_way_a_delay() {
        let echo = echo_server().await;
        let rtt = Duration::from_millis(200);
        let shaper = Shaper::start(echo, Profile::fast(rtt), 1).await.unwrap();
        let started = std::time::Instant::now();
        let back = round_trip(&shaper, b"x").await.unwrap();
        assert_eq!(back, b"x");
        // Handshake (one round trip) plus the byte there and back (another).
        assert!(started.elapsed() >= 2 * rtt, "{:?}", started.elapsed());
    }

    #[tokio::test]
    async fn a_down_link_cuts_open_connections_and_refuses_new_ones() {
        let echo = echo_server().await;
        let shaper = Shaper::start(echo, Profile::fast(Duration::ZERO), 1)
            .await
            .unwrap();
        let mut open = TcpStream::connect(shaper.addr()).await.unwrap();
        open.write_all(b"ping").await.unwrap();
        let mut buf = [0u8; 4];
        open.read_exact(&mut buf).await.unwrap();
        assert_eq!(&buf, b"ping");

        shaper.set_down();
        let mut rest = Vec::new();
        let cut = open.read_to_end(&mut rest).await;
        assert!(cut.is_err() || rest.is_empty(), "{cut:?}");
        crate::wait::until("the cut is counted", Duration::from_secs(5), async || {
            (shaper.stats().cuts.load(Ordering::SeqCst) == 1).then_some(())
        })
        .await
        .unwrap();
        let refused = round_trip(&shaper, b"hello").await;
        assert!(refused.as_ref().map_or(true, Vec::is_empty), "{refused:?}");
        assert!(shaper.stats().refused.load(Ordering::SeqCst) >= 1);

        shaper.set_up();
        assert_eq!(round_trip(&shaper, b"hello").await.unwrap(), b"hello");
    }

    #[tokio::test]
    async fn a_flapping_link_cuts_while_down_and_carries_while_up() {
        let echo = echo_server().await;
        let profile = Profile {
            flap: Some(Flap {
                up: Duration::from_millis(300),
                down: Duration::from_millis(300),
            }),
            ..Profile::fast(Duration::ZERO)
        };
        let shaper = Shaper::start(echo, profile, 1).await.unwrap();
        // A connection that keeps talking is cut when the link first goes down.
        let mut talker = TcpStream::connect(shaper.addr()).await.unwrap();
        let cut = crate::wait::until("the talker is cut", Duration::from_secs(5), async || {
            let mut buf = [0u8; 1];
            let alive = talker.write_all(b"t").await.is_ok()
                && matches!(talker.read(&mut buf).await, Ok(1));
            (!alive).then_some(())
        })
        .await;
        assert!(cut.is_ok(), "never cut");
        assert!(shaper.stats().cuts.load(Ordering::SeqCst) >= 1);
        // Later, an up period carries a whole exchange again.
        let data = pattern(10_000);
        let back = crate::wait::until(
            "an exchange in an up period",
            Duration::from_secs(5),
            async || round_trip(&shaper, &data).await.ok().filter(|b| *b == data),
        )
        .await
        .unwrap();
        assert_eq!(back.len(), data.len());
    }

    #[tokio::test]
    async fn an_armed_cut_lands_after_that_many_bytes_down() {
        let echo = echo_server().await;
        let shaper = Shaper::start(echo, Profile::fast(Duration::ZERO), 1)
            .await
            .unwrap();
        shaper.cut_after_down_bytes(50_000);
        let back = round_trip(&shaper, &pattern(200_000)).await;
        match back {
            Err(_) => {}
            Ok(bytes) => assert!(bytes.len() < 200_000, "all {} bytes came back", bytes.len()),
        }
        assert_eq!(shaper.stats().cuts.load(Ordering::SeqCst), 1);
        // The cut is spent: the next exchange is whole.
        assert_eq!(round_trip(&shaper, b"again").await.unwrap(), b"again");
    }
}
