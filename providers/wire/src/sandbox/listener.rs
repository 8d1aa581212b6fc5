//! A TCP listener whose connections cannot be held open by a client that sends nothing.
//!
//! Each connection is in one of three phases, seen from the bytes that cross it:
//!
//! * **head**: from the first byte of a request (or from the moment a connection opens)
//!   until the blank line that ends its header; it must take at most
//!   [`ConnectionLimits::header_read`], so a client that connects and sends nothing, or
//!   half a header, is dropped (the "slowloris" attack holds connections this way);
//! * **request**: the header is in, the server is reading the body or working; no limit
//!   here (an injected `timeout` fault holds a request on purpose);
//! * **idle**: the server has answered and the connection waits for the next request; it
//!   may wait at most [`ConnectionLimits::idle`].
//!
//! A connection over its limit gets a `TimedOut` read error, which makes the HTTP server
//! close it.

use axum::serve::Listener;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::{Instant, Sleep};

/// How long a connection may take to send a request header, and wait between requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConnectionLimits {
    pub header_read: Duration,
    pub idle: Duration,
}

impl Default for ConnectionLimits {
    /// 10 s for a header (a real client sends it in one packet), 60 s between requests
    /// (longer than the keep-alive pools of common HTTP clients wait before reuse).
    fn default() -> Self {
        ConnectionLimits {
            header_read: Duration::from_secs(10),
            idle: Duration::from_secs(60),
        }
    }
}

/// A [`TcpListener`] whose connections obey [`ConnectionLimits`].
#[derive(Debug)]
pub struct TimedListener {
    inner: TcpListener,
    limits: ConnectionLimits,
}

impl TimedListener {
    pub fn new(inner: TcpListener, limits: ConnectionLimits) -> Self {
        TimedListener { inner, limits }
    }
}

impl Listener for TimedListener {
    type Io = TimedIo<TcpStream>;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (io, addr) = Listener::accept(&mut self.inner).await;
        (TimedIo::new(io, self.limits), addr)
    }

    fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Head,
    Request,
    Idle,
}

/// A connection with the phase deadlines of the module documentation.
#[derive(Debug)]
pub struct TimedIo<S> {
    io: S,
    limits: ConnectionLimits,
    phase: Phase,
    /// Line feeds seen in a row while reading a header (`\r` ignored, as HTTP parsers
    /// accept bare `\n` line ends); two end the header.
    line_feeds: u8,
    deadline: Option<Pin<Box<Sleep>>>,
}

impl<S> TimedIo<S> {
    fn new(io: S, limits: ConnectionLimits) -> Self {
        let mut timed = TimedIo {
            io,
            limits,
            phase: Phase::Head,
            line_feeds: 0,
            deadline: None,
        };
        timed.arm(limits.header_read);
        timed
    }

    fn arm(&mut self, after: Duration) {
        let at = Instant::now() + after;
        match self.deadline.as_mut() {
            Some(sleep) => sleep.as_mut().reset(at),
            None => self.deadline = Some(Box::pin(tokio::time::sleep_until(at))),
        }
    }

    /// Follows the phase through bytes the client sent.
    fn on_read(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        if self.phase == Phase::Idle {
            self.phase = Phase::Head;
            self.line_feeds = 0;
            self.arm(self.limits.header_read);
        }
        if self.phase != Phase::Head {
            return;
        }
        for &b in bytes {
            match b {
                b'\n' => self.line_feeds += 1,
                b'\r' => {}
                _ => self.line_feeds = 0,
            }
            if self.line_feeds >= 2 {
                self.phase = Phase::Request;
                self.deadline = None;
                return;
            }
        }
    }

    /// The server wrote (an answer): the connection now waits for the next request. The
    /// deadline is polled at once so that its expiry wakes the connection's task: the
    /// server may not read again before the client sends something.
    fn on_write(&mut self, cx: &mut Context<'_>) {
        self.phase = Phase::Idle;
        self.arm(self.limits.idle);
        let _ = self.overdue(cx);
    }

    fn overdue(&mut self, cx: &mut Context<'_>) -> bool {
        self.deadline
            .as_mut()
            .is_some_and(|sleep| sleep.as_mut().poll(cx).is_ready())
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for TimedIo<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        match Pin::new(&mut this.io).poll_read(cx, buf) {
            Poll::Ready(Ok(())) => {
                let filled = buf.filled();
                this.on_read(filled.get(before..).unwrap_or_default());
                Poll::Ready(Ok(()))
            }
            Poll::Ready(Err(e)) => Poll::Ready(Err(e)),
            Poll::Pending if this.overdue(cx) => {
                let what = if this.phase == Phase::Idle {
                    "idle connection"
                } else {
                    "request header not received"
                };
                Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, what)))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for TimedIo<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write(cx, buf);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.on_write(cx);
        }
        written
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let written = Pin::new(&mut this.io).poll_write_vectored(cx, bufs);
        if matches!(written, Poll::Ready(Ok(n)) if n > 0) {
            this.on_write(cx);
        }
        written
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().io).poll_shutdown(cx)
    }
}
