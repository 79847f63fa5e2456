// The alert sink interface, its options and counters, and the factory that turns a sink spec
// ("syslog", "udp://host:514", "tcp://host:514", "unix:/dev/log", "-", a file path) into a sink.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "alert/alert.hpp"
#include "alert/format.hpp"
#include "alert/syslog_format.hpp"

namespace alert {

// Counters of one sink. All are totals since construction, except `queued`.
struct SinkStats {
    uint64_t emitted = 0;     // alerts handed to emit()
    uint64_t sent = 0;        // messages completely written to the file or socket
    uint64_t dropped = 0;     // messages lost: queue full, write or send failure, shutdown
    uint64_t truncated = 0;   // messages shortened to fit max_message_bytes
    uint64_t errors = 0;      // failed writes, sends, connection attempts and reopens
    uint64_t reconnects = 0;  // connections re-established after a loss (tcp), reopens (files)
    uint64_t queued = 0;      // messages waiting in the queue right now (tcp)
};

// How a TCP sink delimits its messages (RFC 6587): octet counting (§3.4.1, "LEN SP MSG"), or a
// trailing LF (§3.4.2, non-transparent framing; what Splunk's raw TCP input, Logstash's tcp
// input, Beats and fluentd read by default). Messages never contain an LF, so both are exact.
enum class TcpFraming { OctetCounting, Newline };

// "octet-counting" or "newline"; throws std::invalid_argument otherwise.
TcpFraming parse_tcp_framing(std::string_view name);

// Throws std::invalid_argument unless sd_id is a valid private SD-ID (RFC 5424 §6.3.2): 1..32
// printable US-ASCII characters other than '=', SP, ']' and '"', as NAME@ENTERPRISE-NUMBER
// (an SD-ID without '@' is reserved for IANA's registered ones).
void validate_sd_id(std::string_view sd_id);

// Largest RFC 5424 message a UDP sink sends by default: the size RFC 5426 §3.2 asks every
// receiver to accept (many, such as Splunk's and Graylog's defaults and older syslogds, stop
// near there); an alert that would not fit is cut, keeping its identity fields.
inline constexpr std::size_t kDefaultUdpBytes = 2048;
// Largest UDP payload over IPv4.
inline constexpr std::size_t kMaxUdpBytes = 65507;

// Everything a sink can be configured with; each sink reads the fields that concern it.
struct SinkOptions {
    Format format = Format::Json;  // how the alert itself is written (the syslog MSG)
    int facility = 10;             // syslog facility code, default authpriv (parse_facility())
    std::string ident = std::string(kProduct);  // syslog(3) ident / RFC 5424 APP-NAME
    std::string hostname;                       // RFC 5424 HOSTNAME; "" -> this host's name
    std::string sd_id = "alert@32473";          // RFC 5424 SD-ID of the alert parameters
    bool utf8_bom = false;                      // prefix RFC 5424 MSG with a UTF-8 BOM
    // Largest message (syslog: the whole RFC 5424 / local message; stream: one line without
    // the newline). 0 picks the sink's default: kDefaultSyslogBytes or kDefaultStreamBytes.
    std::size_t max_message_bytes = 0;
    TcpFraming tcp_framing = TcpFraming::OctetCounting;  // tcp
    // udp: largest datagram (the whole RFC 5424 message); max_message_bytes, when set and
    // smaller, wins. kMinMessageBytes .. kMaxUdpBytes.
    std::size_t udp_max_bytes = kDefaultUdpBytes;
    std::size_t queue_capacity = 10000;            // tcp: messages held while the collector is away
    std::chrono::milliseconds reconnect_min{100};  // tcp: first back-off after a failure
    std::chrono::milliseconds reconnect_max{30000};  // tcp: back-off doubles up to this
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds flush_timeout{5000};  // tcp: flush() and destruction drain this long
    // syslog and unix: how long one alert waits for a daemon whose receive queue is full.
    std::chrono::milliseconds local_send_timeout{1000};
    std::string syslog_socket = "/dev/log";  // where the "syslog" sink sends
    // file: empty it when the sink opens (an offline run's alerts are that run's alone);
    // otherwise, and on every reopen(), appended to (a plugin's log outlives restarts).
    bool truncate_file = false;

    // Throws std::invalid_argument naming the first bad field.
    void validate() const;
};

inline constexpr std::size_t kDefaultSyslogBytes = 8000;  // below rsyslog's default 8096
inline constexpr std::size_t kDefaultStreamBytes = 1 << 20;
inline constexpr std::size_t kMinMessageBytes = 2048;  // enough for header, SD and a skeleton

// A destination for alerts. emit() is the per-event path: it never throws and never blocks on
// the network for long; failures are counted in stats() (and logged, rate-limited, by the
// sink). In plugin mode each sink runs behind a QueuedSink (queued_sink.hpp), so that not even
// a stalled local destination blocks detection.
// Sinks are not thread-safe: one thread calls emit/flush/reopen (TcpSink's own sender thread is
// internal).
class AlertSink {
  public:
    AlertSink() = default;
    AlertSink(const AlertSink&) = delete;
    AlertSink& operator=(const AlertSink&) = delete;
    virtual ~AlertSink() = default;

    virtual void emit(const Alert& alert) noexcept = 0;
    virtual void flush() {}
    // Re-opens files (logrotate, SIGHUP); a no-op for network sinks.
    virtual void reopen() {}
    virtual SinkStats stats() const { return {}; }
    // The spec this sink was made from, for logs.
    virtual std::string describe() const = 0;
};

// A parsed sink spec.
struct SinkSpec {
    enum class Kind { Syslog, LocalSocket, Udp, Tcp, Stdout, File };
    Kind kind = Kind::Stdout;
    std::string host;  // udp, tcp (IPv6 without brackets)
    std::string port;  // udp, tcp; "514" when the spec gives none
    std::string path;  // unix socket or file
};

// Throws std::invalid_argument with the reason for malformed specs: empty, an unknown or
// unsupported scheme (tls://), a missing host, a port outside 1..65535, a relative unix path.
SinkSpec parse_sink_spec(std::string_view spec);

// Parses the spec, validates the options and builds the sink. Throws std::invalid_argument for
// bad specs or options and std::system_error/std::runtime_error when a file cannot be opened or
// a UDP host cannot be resolved (TCP resolves on each connection attempt).
std::unique_ptr<AlertSink> make_sink(std::string_view spec, const SinkOptions& options);

// This host's name (gethostname), used when SinkOptions::hostname is empty.
std::string local_hostname();

// The RFC 5424 header the network sinks (udp://, tcp://) write, from the options; PROCID is
// this process's pid.
Rfc5424Options rfc5424_header(const SinkOptions& options);

}  // namespace alert
