//! Writes the seeds of fuzz/corpus/bus_network from the real GTFS fixtures: each feed's wire
//! form (what a server sends), the sample feed's plain encoding, and a wire form cut in half.
//!
//! `cargo run -p congdan-transit --example fuzz_seeds`

use std::path::Path;

use congdan_transit::ingest::{self, Limits};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = root.join("../../fuzz/corpus/bus_network");
    std::fs::create_dir_all(&out)?;
    for name in ["sample-feed", "hanoi"] {
        let zip = root.join("tests/fixtures").join(format!("{name}.zip"));
        let network = ingest::read_zip(&zip, &Limits::default())
            .map_err(|r| r.to_string())?
            .network;
        let wire = network.to_wire(3)?;
        std::fs::write(out.join(format!("{name}.wire")), &wire)?;
        if name == "sample-feed" {
            // Small enough to be a useful seed; larger plain encodings only slow the fuzzer.
            std::fs::write(out.join(format!("{name}.encoded")), network.encode())?;
        }
        std::fs::write(
            out.join(format!("{name}.cut.wire")),
            &wire[..wire.len() / 2],
        )?;
    }
    println!("wrote seeds to {}", out.display());
    Ok(())
}
