//! A minimal HTTP/1.1 keep-alive client over `std::net::TcpStream`, for the loopback load
//! tests of `qonys-load`: one connection per worker thread, requests written in one piece,
//! responses read by `Content-Length` or chunked transfer coding. It speaks just enough HTTP
//! for the qonys server; it is not a general client.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use anyhow::{Context, Result, bail};

/// One keep-alive connection.
pub struct Conn {
    addr: String,
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    body: Vec<u8>,
}

/// The status and body of a response (the body stays in the connection's buffer).
pub struct Response<'a> {
    /// The status code.
    pub status: u16,
    /// The body, de-chunked.
    pub body: &'a [u8],
}

impl Conn {
    /// Connects to `addr` (`host:port`).
    pub fn open(addr: &str) -> Result<Conn> {
        let s = TcpStream::connect(addr).with_context(|| format!("connect {addr}"))?;
        s.set_nodelay(true)?;
        s.set_read_timeout(Some(Duration::from_secs(30)))?;
        let writer = s.try_clone()?;
        Ok(Conn {
            addr: addr.to_string(),
            reader: BufReader::with_capacity(64 * 1024, s),
            writer,
            body: Vec::new(),
        })
    }

    /// Sends one request and reads the whole response.
    pub fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &str,
        body: &[u8],
    ) -> Result<Response<'_>> {
        let mut req = Vec::with_capacity(256 + body.len());
        write!(
            req,
            "{method} {path} HTTP/1.1\r\nHost: {}\r\n{headers}Content-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        )?;
        req.extend_from_slice(body);
        self.writer.write_all(&req)?;
        self.read_response()
    }

    fn read_response(&mut self) -> Result<Response<'_>> {
        let mut line = String::new();
        self.reader.read_line(&mut line)?;
        if line.is_empty() {
            bail!("connection closed by the server");
        }
        let status: u16 = line
            .split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .with_context(|| format!("bad status line {line:?}"))?;
        let mut length: Option<usize> = None;
        let mut chunked = false;
        let mut close = false;
        loop {
            line.clear();
            self.reader.read_line(&mut line)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let v = v.trim();
                if k.eq_ignore_ascii_case("content-length") {
                    length = v.parse().ok();
                } else if k.eq_ignore_ascii_case("transfer-encoding") {
                    chunked = v.eq_ignore_ascii_case("chunked");
                } else if k.eq_ignore_ascii_case("connection") {
                    close = v.eq_ignore_ascii_case("close");
                }
            }
        }
        self.body.clear();
        if chunked {
            loop {
                line.clear();
                self.reader.read_line(&mut line)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or(""), 16)
                    .with_context(|| format!("bad chunk size {line:?}"))?;
                if size == 0 {
                    // Trailers, then the blank line.
                    loop {
                        line.clear();
                        self.reader.read_line(&mut line)?;
                        if line.trim_end().is_empty() {
                            break;
                        }
                    }
                    break;
                }
                let start = self.body.len();
                self.body.resize(start + size, 0);
                self.reader.read_exact(&mut self.body[start..])?;
                let mut crlf = [0u8; 2];
                self.reader.read_exact(&mut crlf)?;
            }
        } else if let Some(n) = length {
            self.body.resize(n, 0);
            self.reader.read_exact(&mut self.body)?;
        } else {
            self.reader.read_to_end(&mut self.body)?;
        }
        if close {
            bail!("the server closed the connection (status {status})");
        }
        Ok(Response {
            status,
            body: &self.body,
        })
    }
}
