#include "app/offline_report.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <functional>
#include <iomanip>

#include "alert/text.hpp"
#include "app/progress.hpp"
#include "audit/line_filter.hpp"
#include "ecs/timestamp.hpp"

namespace app {
namespace {

std::string describe(const ecs::ProcessImage& image) {
    if (image.command_line && !image.command_line->empty()) return *image.command_line;
    if (image.executable) return *image.executable;
    if (image.name) return *image.name;
    return "?";
}

// What a file or network event did, for the tree: "creation /etc/cron.d/job",
// "rename /tmp/a -> /etc/cron.d/job", "connection_attempted 10.0.0.1:10250".
std::string activity_of(const ecs::Event& event) {
    std::string text(ecs::action_name(event.action));
    if (event.file.path) {
        text += ' ';
        if (event.file.original_path) text += *event.file.original_path + " -> ";
        text += *event.file.path;
    }
    const ecs::Endpoint& end =
        event.network.direction == "ingress" || event.action == ecs::Action::Bind
            ? event.network.source
            : event.network.destination;
    if (end.address) {
        text += ' ' + *end.address;
        if (end.port) text += ':' + std::to_string(*end.port);
    }
    return text;
}

bool is_activity(const ecs::Event& event) {
    return !event.category.empty() &&
           (event.category.front() == "file" || event.category.front() == "network");
}

std::string user_of(const ecs::Event& event) {
    if (event.user.name) return *event.user.name;
    if (event.user.id) return "uid " + *event.user.id;
    return "(unknown)";
}

std::string upper(std::string text) {
    for (char& c : text) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return text;
}

std::string percent(uint64_t part, uint64_t whole) {
    if (whole == 0) return "n/a";
    char text[16];
    std::snprintf(text, sizeof text, "%.1f%%",
                  100.0 * static_cast<double>(part) / static_cast<double>(whole));
    return text;
}

// A small left-aligned table with right-aligned count columns.
void write_table(std::ostream& out, const std::vector<std::string>& header,
                 const std::vector<std::vector<std::string>>& rows,
                 const std::vector<bool>& numeric) {
    std::vector<std::size_t> width(header.size(), 0);
    auto measure = [&](const std::vector<std::string>& row) {
        for (std::size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
    };
    measure(header);
    for (const auto& row : rows) measure(row);
    auto line = [&](const std::vector<std::string>& row) {
        out << "  ";
        for (std::size_t i = 0; i < row.size(); ++i) {
            if (i > 0) out << "  ";
            const bool last = i + 1 == row.size();
            if (numeric[i]) {
                out << std::setw(static_cast<int>(width[i])) << std::right << row[i];
            } else if (last) {
                out << row[i];
            } else {
                out << std::setw(static_cast<int>(width[i])) << std::left << row[i];
            }
        }
        out << std::right << '\n';
    };
    line(header);
    for (const auto& row : rows) line(row);
}

}  // namespace

std::string one_line(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (c != '\n' && c != '\r') {
            out += c;
            continue;
        }
        while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
        while (i + 1 < text.size() && std::isspace(static_cast<unsigned char>(text[i + 1]))) ++i;
        const bool opens = !out.empty() && (out.back() == '(' || out.back() == '[');
        const bool closes = i + 1 < text.size() && (text[i + 1] == ')' || text[i + 1] == ']');
        if (!out.empty() && !opens && !closes) out += ' ';
    }
    return out;
}

std::string visible_command(std::string_view text, std::size_t max_bytes) {
    std::string shown(text);
    alert::text::cut_with_marker(shown, max_bytes);
    return alert::text::escape_visible(shown);
}

std::size_t OfflineReport::KeyHash::operator()(const Key& key) const noexcept {
    return std::hash<int64_t>{}(key.second) ^
           (static_cast<std::size_t>(key.first) * 0x9e3779b97f4a7c15ULL);
}

uint32_t OfflineReport::host_key(const ecs::Event& event) {
    const std::string_view host = event.host_name ? std::string_view(*event.host_name) : "";
    if (last_host_ && *last_host_ == host) return last_host_key_;
    const auto [it, added] =
        host_keys_.try_emplace(std::string(host), static_cast<uint32_t>(host_keys_.size()));
    last_host_ = it->first;
    last_host_key_ = it->second;
    return last_host_key_;
}

void OfflineReport::on_event(const ecs::Event& event, bool admitted) {
    if (admitted) {
        ++admitted_;
        if (!event.category.empty()) ++by_kind_[event.category.front()];
        const auto& context = event.auditd.parent_context;
        if (context == "table") {
            ++context_table_;
        } else if (context == "proc") {
            ++context_proc_;
        } else if (context == "syscall") {
            ++context_syscall_;
        } else {
            ++context_missing_;
        }
    } else {
        ++outside_;
    }
    if (watched_.empty() || !event.process.pid) return;

    const uint32_t host = host_key(event);
    const int64_t pid = *event.process.pid;
    if (event.action == ecs::Action::End) {
        watched_.erase(Key{host, pid});  // the pid may be reused by an unrelated process
        return;
    }
    if (is_activity(event)) {
        // What a watched process did to files and sockets, under it in its trees.
        const auto self = watched_.find(Key{host, pid});
        if (self == watched_.end()) return;
        for (const Watch& watch : self->second) {
            AlertRecord& record = records_[watch.record];
            if (record.descendants.size() >= kMaxDescendants) {
                record.descendants_cut = true;
                continue;
            }
            record.descendants.push_back(
                TreeNode{pid, activity_of(event), watch.depth + 1, event.category.front()});
        }
        return;
    }
    if (event.action != ecs::Action::Exec && event.action != ecs::Action::Fork) return;
    if (event.action == ecs::Action::Exec && event.outcome == "failure") return;

    std::vector<Watch> parents;  // copied: add_descendant() edits the map
    if (event.parent.pid) {
        const auto parent = watched_.find(Key{host, *event.parent.pid});
        if (parent != watched_.end()) parents = parent->second;
    }
    for (const Watch& watch : parents) add_descendant(event, host, pid, watch);
    if (event.action != ecs::Action::Exec) return;
    // A watched process that exec'd in place, for the trees that do not watch its parent.
    const auto self = watched_.find(Key{host, pid});
    if (self == watched_.end()) return;
    for (const Watch& watch : self->second) {
        const bool via_parent = std::any_of(parents.begin(), parents.end(), [&](const Watch& p) {
            return p.record == watch.record;
        });
        if (via_parent) continue;
        AlertRecord& record = records_[watch.record];
        if (record.descendants.size() >= kMaxDescendants) {
            record.descendants_cut = true;
            continue;
        }
        record.descendants.push_back(TreeNode{pid, describe(event.process), watch.depth, "exec"});
    }
}

void OfflineReport::add_descendant(const ecs::Event& event, uint32_t host, int64_t pid,
                                   const Watch& parent_watch) {
    AlertRecord& record = records_[parent_watch.record];
    auto& watches = watched_[Key{host, pid}];
    const auto known = std::find_if(watches.begin(), watches.end(), [&](const Watch& w) {
        return w.record == parent_watch.record;
    });
    if (known != watches.end()) {
        // Forked earlier, now exec'd: the same node gets its program.
        for (auto node = record.descendants.rbegin(); node != record.descendants.rend(); ++node) {
            if (node->pid == pid) {
                node->command_line = describe(event.process);
                node->note = event.action == ecs::Action::Fork ? "fork" : "";
                return;
            }
        }
        return;
    }
    if (record.descendants.size() >= kMaxDescendants) {
        record.descendants_cut = true;
        if (watches.empty()) watched_.erase(Key{host, pid});
        return;
    }
    const std::size_t depth = parent_watch.depth + 1;
    record.descendants.push_back(TreeNode{pid, describe(event.process), depth,
                                          event.action == ecs::Action::Fork ? "fork" : ""});
    watches.push_back(Watch{parent_watch.record, depth});
}

void OfflineReport::on_alert(const ecs::Event& event, const engine::RuleInfo& rule,
                             const process::ProcessTable& table) {
    ++alerts_;
    const std::string host = event.host_name.value_or("");
    RuleCount& count = by_rule_[rule.name];
    count.severity = rule.severity;
    ++count.count;
    ++by_host_[host.empty() ? "(no node=)" : host];
    ++by_user_[user_of(event)];
    if (records_.size() >= kMaxTrees) return;

    AlertRecord record;
    record.timestamp_us = event.timestamp_us;
    record.serial = event.sequence;
    record.rule = rule.name;
    record.severity = rule.severity;
    record.host = host;
    record.user = user_of(event);
    record.self = TreeNode{event.process.pid.value_or(-1), describe(event.process), 0, ""};
    if (event.process.pid) {
        const auto chain = table.ancestors(host, *event.process.pid);
        for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
            const ecs::ProcessImage image = (*it)->to_ecs();
            record.ancestors.push_back(TreeNode{image.pid.value_or(-1), describe(image), 0, ""});
        }
        if (chain.empty() && event.parent.pid) {
            // The table has no entry for the process itself (a non-exec event): the parent
            // the event carries is still worth showing.
            record.ancestors.push_back(
                TreeNode{*event.parent.pid, describe(event.parent), 0,
                         event.auditd.parent_context == "missing" ? "unknown" : ""});
        }
    }
    if (is_activity(event)) {
        // The file or network event that fired, under the process that made it.
        record.descendants.push_back(TreeNode{event.process.pid.value_or(-1), activity_of(event), 1,
                                              event.category.front()});
    }
    records_.push_back(std::move(record));
    if (event.process.pid && event.action != ecs::Action::End) {
        watched_[Key{host_key(event), *event.process.pid}].push_back(Watch{records_.size() - 1, 0});
    }
}

void OfflineReport::write_summary(std::ostream& out, const PipelineStats& stats,
                                  const RunFacts& facts) const {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.2f s", facts.seconds);
    out << "\nSummary\n";
    std::vector<std::vector<std::string>> rows;
    rows.push_back({"inputs", std::to_string(facts.files) +
                                  (facts.files == 1 ? " file, " : " files, ") +
                                  human_bytes(facts.bytes) + " in " + seconds});
    rows.push_back({"events read", std::to_string(stats.reader.builder.events) + " audit events, " +
                                       std::to_string(stats.reader.lines.lines) + " lines"});
    std::string process = std::to_string(admitted_) + " evaluated";
    if (facts.filtered)
        process += ", " + std::to_string(outside_) + " outside --since/--until/--host";
    rows.push_back({"process events", process});
    if (by_kind_.size() > 1 || (by_kind_.size() == 1 && !by_kind_.contains("process"))) {
        // Shown once file or network events are in the log: how many of each kind.
        std::string kinds;
        for (const auto& [kind, count] : by_kind_) {
            kinds += (kinds.empty() ? "" : ", ") + kind + " " + std::to_string(count);
        }
        rows.push_back({"event kinds", kinds});
    }
    std::string malformed = std::to_string(stats.reader.lines.malformed_total());
    for (std::size_t k = 0; k < audit::kMalformedKinds; ++k) {
        if (stats.reader.lines.malformed[k] == 0) continue;
        malformed += std::string(malformed.find('(') == std::string::npos ? " (" : ", ") +
                     std::string(audit::malformed_kind_name(static_cast<audit::MalformedKind>(k))) +
                     " " + std::to_string(stats.reader.lines.malformed[k]);
    }
    if (malformed.find('(') != std::string::npos) malformed += ")";
    rows.push_back({"malformed lines", malformed});
    if (stats.reader.lines.events_abandoned > 0) {
        rows.push_back({"events abandoned", std::to_string(stats.reader.lines.events_abandoned) +
                                                " (forwarded to libauparse, never handed back)"});
    }
    rows.push_back(
        {"parent context", percent(context_table_ + context_proc_ + context_syscall_, admitted_) +
                               " (table " + std::to_string(context_table_) + ", syscall " +
                               std::to_string(context_syscall_) + ", proc " +
                               std::to_string(context_proc_) + ", missing " +
                               std::to_string(context_missing_) + ")"});
    rows.push_back({"alerts", std::to_string(alerts_)});
    for (const auto& [name, counters] : facts.outputs) {
        rows.push_back({"output", visible_command(name, 60) + ": " + counters});
    }
    for (const auto& row : rows) {
        out << "  " << std::setw(16) << std::left << row[0] << std::right << row[1] << '\n';
    }
    if (alerts_ == 0) return;

    std::vector<std::pair<std::string, RuleCount>> rules(by_rule_.begin(), by_rule_.end());
    std::stable_sort(rules.begin(), rules.end(),
                     [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
    std::vector<std::vector<std::string>> rule_rows;
    rule_rows.reserve(rules.size());
    for (const auto& [name, count] : rules) {
        rule_rows.push_back(
            {std::to_string(count.count), upper(count.severity), visible_command(name, 120)});
    }
    out << "\nAlerts by rule\n";
    write_table(out, {"count", "severity", "rule"}, rule_rows, {true, false, false});

    auto by = [&](const char* title, const char* column, const std::map<std::string, uint64_t>& m) {
        std::vector<std::pair<std::string, uint64_t>> sorted(m.begin(), m.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        std::vector<std::vector<std::string>> table_rows;
        table_rows.reserve(sorted.size());
        for (const auto& [name, n] : sorted) {
            table_rows.push_back({std::to_string(n), visible_command(name, 120)});
        }
        out << '\n' << title << '\n';
        write_table(out, {"count", column}, table_rows, {true, false});
    };
    by("Alerts by host", "host", by_host_);
    by("Alerts by user", "user", by_user_);
}

void OfflineReport::write_trees(std::ostream& out) const {
    if (records_.empty()) return;
    out << "\nProcess trees (ancestors when the alert fired, children seen later)\n";
    std::size_t number = 0;
    for (const AlertRecord& r : records_) {
        ++number;
        out << "\n#" << number << ' ' << ecs::format_timestamp(r.timestamp_us) << ' '
            << upper(r.severity) << ' ' << visible_command(r.rule, 200) << "  serial=" << r.serial;
        if (!r.host.empty()) out << " host=" << visible_command(r.host, 100);
        out << " user=" << visible_command(r.user, 100) << '\n';
        std::size_t level = 0;
        auto node = [&](const TreeNode& n, std::size_t at, const char* mark) {
            out << "    " << std::string(at * 3, ' ') << (at > 0 ? "└─ " : "")
                << (n.pid >= 0 ? std::to_string(n.pid) : std::string("?")) << "  "
                << visible_command(n.command_line);
            if (!n.note.empty()) out << "  (" << n.note << ")";
            out << mark << '\n';
        };
        for (const TreeNode& a : r.ancestors) node(a, level++, "");
        const std::size_t self_level = level;
        node(r.self, self_level, "   <== alert");
        for (const TreeNode& d : r.descendants) node(d, self_level + d.depth, "");
        if (r.descendants_cut) {
            out << "    " << std::string((self_level + 1) * 3, ' ')
                << "... more children not shown\n";
        }
    }
    if (alerts_ > records_.size()) {
        out << "\n(" << alerts_ - records_.size() << " more alerts without a tree: only the first "
            << kMaxTrees << " are kept)\n";
    }
}

}  // namespace app
