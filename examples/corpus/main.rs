//! Writes the benchmark corpus (see `generate`): `corpus COUNT OUT [--pretty]`. The benchmark and the
//! fast-path test both use it, so they read the same bodies.

mod generate;

use std::io::{BufWriter, Write};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(count), Some(out)) = (args.first(), args.get(1)) else {
        return Err("usage: corpus COUNT OUT [--pretty]".into());
    };
    let pretty = args[2..].iter().any(|a| a == "--pretty");
    let mut file = BufWriter::new(std::fs::File::create(out)?);
    generate::write(count.parse()?, pretty, &mut file)?;
    file.flush()?;
    Ok(())
}
