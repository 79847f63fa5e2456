// Sink specs are parsed strictly: a typo in a collector address must fail at startup with a
// message that names the problem, not silently write alerts to a file called "udp:/host".
#include "alert/sink.hpp"

#include <unistd.h>

#include <charconv>
#include <stdexcept>

#include "alert/local_socket_sink.hpp"
#include "alert/stream_sink.hpp"
#include "alert/tcp_sink.hpp"
#include "alert/udp_sink.hpp"

namespace alert {

namespace {

[[noreturn]] void bad_spec(std::string_view spec, const std::string& why) {
    throw std::invalid_argument("invalid alert sink '" + std::string(spec) + "': " + why);
}

// "host:port", "[v6]:port", "host" (port 514).
void parse_endpoint(std::string_view spec, std::string_view rest, SinkSpec& out) {
    std::string_view host;
    std::string_view port;
    if (!rest.empty() && rest.front() == '[') {
        const std::size_t close = rest.find(']');
        if (close == std::string_view::npos) bad_spec(spec, "missing ']' after IPv6 address");
        host = rest.substr(1, close - 1);
        std::string_view after = rest.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') bad_spec(spec, "expected ':PORT' after ']'");
            port = after.substr(1);
            if (port.empty()) bad_spec(spec, "empty port");
        }
    } else {
        const std::size_t colon = rest.rfind(':');
        if (colon != std::string_view::npos && rest.find(':') != colon) {
            bad_spec(spec, "IPv6 addresses must be written in brackets, e.g. udp://[::1]:514");
        }
        host = rest.substr(0, colon);
        if (colon != std::string_view::npos) {
            port = rest.substr(colon + 1);
            if (port.empty()) bad_spec(spec, "empty port");
        }
    }
    if (host.empty()) bad_spec(spec, "missing host");
    if (host.find_first_of("/ \t?#@") != std::string_view::npos) {
        bad_spec(spec, "host contains a character that is not allowed");
    }
    if (port.empty()) port = "514";
    int number = 0;
    const auto [end, error] = std::from_chars(port.data(), port.data() + port.size(), number);
    if (error != std::errc{} || end != port.data() + port.size() || number < 1 || number > 65535) {
        bad_spec(spec, "port must be a number from 1 to 65535");
    }
    out.host = std::string(host);
    out.port = std::to_string(number);
}

bool starts_with(std::string_view text, std::string_view prefix) {
    return text.substr(0, prefix.size()) == prefix;
}

}  // namespace

TcpFraming parse_tcp_framing(std::string_view name) {
    if (name == "octet-counting") return TcpFraming::OctetCounting;
    if (name == "newline") return TcpFraming::Newline;
    throw std::invalid_argument("TCP framing must be octet-counting or newline, not '" +
                                std::string(name) + "'");
}

void validate_sd_id(std::string_view sd_id) {
    const auto fail = [&](const std::string& why) {
        throw std::invalid_argument("SD-ID '" + std::string(sd_id) + "' " + why +
                                    " (RFC 5424: NAME@ENTERPRISE-NUMBER, e.g. alert@32473)");
    };
    if (sd_id.empty() || sd_id.size() > 32) fail("must be 1 to 32 characters");
    for (const char c : sd_id) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte < 33 || byte > 126 || c == '=' || c == ']' || c == '"') {
            fail("may hold only printable ASCII other than '=', ']', '\"' and space");
        }
    }
    const std::size_t at = sd_id.find('@');
    if (at == std::string_view::npos || at == 0 ||
        sd_id.find('@', at + 1) != std::string_view::npos) {
        fail("needs one '@' after a name");
    }
    const std::string_view number = sd_id.substr(at + 1);
    const bool digits = !number.empty() &&
                        number.find_first_not_of("0123456789.") == std::string_view::npos &&
                        number.front() != '.' && number.back() != '.';
    if (!digits) fail("needs an enterprise number after '@'");
}

void SinkOptions::validate() const {
    if (facility < 0 || facility > 23) throw std::invalid_argument("facility must be 0..23");
    if (ident.empty()) throw std::invalid_argument("ident must not be empty");
    if (max_message_bytes != 0 &&
        (max_message_bytes < kMinMessageBytes || max_message_bytes > (64u << 20))) {
        throw std::invalid_argument("max_message_bytes must be 0 (default) or " +
                                    std::to_string(kMinMessageBytes) + "..67108864");
    }
    if (udp_max_bytes < kMinMessageBytes || udp_max_bytes > kMaxUdpBytes) {
        throw std::invalid_argument("udp_max_bytes must be " + std::to_string(kMinMessageBytes) +
                                    ".." + std::to_string(kMaxUdpBytes));
    }
    validate_sd_id(sd_id);
    if (queue_capacity < 1 || queue_capacity > 10'000'000) {
        throw std::invalid_argument("queue_capacity must be 1..10000000");
    }
    if (reconnect_min.count() <= 0 || reconnect_max < reconnect_min) {
        throw std::invalid_argument("reconnect_min must be > 0 and <= reconnect_max");
    }
    if (connect_timeout.count() <= 0) throw std::invalid_argument("connect_timeout must be > 0");
    if (flush_timeout.count() < 0) throw std::invalid_argument("flush_timeout must be >= 0");
}

SinkSpec parse_sink_spec(std::string_view spec) {
    SinkSpec out;
    if (spec.empty()) bad_spec(spec, "empty");
    if (spec == "-") {
        out.kind = SinkSpec::Kind::Stdout;
        return out;
    }
    if (spec == "syslog") {
        out.kind = SinkSpec::Kind::Syslog;
        return out;
    }
    if (starts_with(spec, "udp://") || starts_with(spec, "tcp://")) {
        out.kind = spec[0] == 'u' ? SinkSpec::Kind::Udp : SinkSpec::Kind::Tcp;
        parse_endpoint(spec, spec.substr(6), out);
        return out;
    }
    if (starts_with(spec, "tls://")) {
        bad_spec(spec,
                 "TLS (RFC 5425) is not built in: send alerts to the local rsyslog (syslog, "
                 "or tcp://127.0.0.1:PORT) and let it forward over TLS (see "
                 "rsyslog-tls-forward.conf.example)");
    }
    if (starts_with(spec, "unix:")) {
        out.kind = SinkSpec::Kind::LocalSocket;
        out.path = std::string(spec.substr(5));
        if (out.path.empty() || out.path.front() != '/') {
            bad_spec(spec, "unix: needs an absolute socket path, e.g. unix:/dev/log");
        }
        return out;
    }
    if (const std::size_t scheme = spec.find("://"); scheme != std::string_view::npos) {
        bad_spec(spec, "unknown scheme '" + std::string(spec.substr(0, scheme)) +
                           "' (expected udp://, tcp://, unix:, syslog, - or a file path)");
    }
    for (std::string_view lookalike : {"udp:", "tcp:", "tls:", "syslog:"}) {
        if (starts_with(spec, lookalike)) {
            bad_spec(spec, "did you mean " + std::string(lookalike) + "//HOST:PORT?");
        }
    }
    if (spec.find('\0') != std::string_view::npos) bad_spec(spec, "NUL in file path");
    out.kind = SinkSpec::Kind::File;
    out.path = std::string(spec);
    return out;
}

std::string local_hostname() {
    char buffer[256] = {};
    if (::gethostname(buffer, sizeof buffer - 1) != 0 || buffer[0] == '\0') return "-";
    return buffer;
}

Rfc5424Options rfc5424_header(const SinkOptions& options) {
    Rfc5424Options header;
    header.facility = options.facility;
    header.hostname = options.hostname.empty() ? local_hostname() : options.hostname;
    header.app_name = options.ident;
    header.procid = std::to_string(::getpid());
    header.sd_id = options.sd_id;
    header.utf8_bom = options.utf8_bom;
    return header;
}

std::unique_ptr<AlertSink> make_sink(std::string_view spec, const SinkOptions& options) {
    const SinkSpec parsed = parse_sink_spec(spec);
    options.validate();
    switch (parsed.kind) {
        case SinkSpec::Kind::Stdout:
            return std::make_unique<StreamSink>("-", options);
        case SinkSpec::Kind::File:
            return std::make_unique<StreamSink>(parsed.path, options);
        case SinkSpec::Kind::Syslog:
            return std::make_unique<LocalSocketSink>(options.syslog_socket, options, "syslog");
        case SinkSpec::Kind::LocalSocket:
            return std::make_unique<LocalSocketSink>(parsed.path, options);
        case SinkSpec::Kind::Udp:
            return std::make_unique<UdpSink>(parsed.host, parsed.port, options);
        case SinkSpec::Kind::Tcp:
            return std::make_unique<TcpSink>(parsed.host, parsed.port, options);
    }
    bad_spec(spec, "unsupported kind");
}

}  // namespace alert
