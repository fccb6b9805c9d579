//! The benchmark's parse-only floor: reads JSON values one after another (JSON Lines, or pretty values
//! back to back) in large blocks and parses every body into a full `serde_json::Value`, doing nothing
//! else, so that the distance between `sqibs-filter` and the limit of JSON parsing is visible. Prints
//! the number of bodies parsed.

use std::io::Read;

/// Bytes read at a time; a body longer than this grows the buffer.
const BLOCK: usize = 8 << 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: parse_floor FILE")?;
    let mut file = std::fs::File::open(path)?;
    let mut buf: Vec<u8> = Vec::with_capacity(BLOCK);
    let mut count = 0usize;
    let mut eof = false;
    while !eof || !buf.is_empty() {
        if !eof {
            let start = buf.len();
            buf.resize(start + BLOCK, 0);
            let n = file.read(&mut buf[start..])?;
            buf.truncate(start + n);
            eof = n == 0;
        }
        let mut stream =
            serde_json::Deserializer::from_slice(&buf).into_iter::<serde_json::Value>();
        let mut consumed = 0;
        loop {
            match stream.next() {
                Some(Ok(_)) => {
                    count += 1;
                    consumed = stream.byte_offset();
                }
                // A body cut by the end of the block: read more.
                Some(Err(e)) if e.is_eof() && !eof => break,
                Some(Err(e)) => return Err(e.into()),
                None => {
                    consumed = buf.len();
                    break;
                }
            }
        }
        buf.drain(..consumed);
        if eof && consumed == 0 && !buf.iter().all(u8::is_ascii_whitespace) {
            return Err("the input ends inside a body".into());
        }
        if eof && buf.iter().all(u8::is_ascii_whitespace) {
            break;
        }
    }
    std::io::Write::write_all(&mut std::io::stdout(), format!("{count}\n").as_bytes())?;
    Ok(())
}
