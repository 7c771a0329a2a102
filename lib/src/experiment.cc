/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/experiment.h>
#include <semsteg/text_file.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <sstream>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace semsteg {

// ---------------------------------------------------------------- statistics

summary summarize(const std::vector<double>& values)
{
    summary s;
    s.n = values.size();
    if (values.empty())
        return s;
    double sum = 0.0;
    for (double x : values)
        sum += x;
    s.mean = sum / static_cast<double>(values.size());
    if (values.size() > 1) {
        double ss = 0.0;
        for (double x : values)
            ss += (x - s.mean) * (x - s.mean);
        s.se = std::sqrt(ss / static_cast<double>(values.size() - 1)
                         / static_cast<double>(values.size()));
    }
    return s;
}

summary proportion(size_t hits, size_t trials)
{
    summary s;
    if (trials == 0)
        return s;
    if (hits > trials)
        throw error("proportion: " + std::to_string(hits) + " hits in "
                    + std::to_string(trials) + " trials");
    s.n = trials;
    s.mean = static_cast<double>(hits) / static_cast<double>(trials);
    s.se = std::sqrt(s.mean * (1.0 - s.mean) / static_cast<double>(trials));
    return s;
}

summary paired_difference(const std::vector<double>& a, const std::vector<double>& b)
{
    if (a.size() != b.size())
        throw error("paired difference of " + std::to_string(a.size()) + " and "
                    + std::to_string(b.size()) + " values: pairs must match");
    std::vector<double> d(a.size());
    for (size_t i = 0; i < a.size(); ++i)
        d[i] = a[i] - b[i];
    return summarize(d);
}

score_summary summarize(const image_scores& scores)
{
    return { summarize(scores.psnr),
             summarize(scores.ssim),
             summarize(scores.ms_ssim),
             summarize(scores.lpips) };
}

// ---------------------------------------------------------------- pairing

std::vector<std::pair<size_t, size_t>> draw_image_pairs(const image_set& hosts,
                                                        const image_set& privates,
                                                        size_t count,
                                                        uint64_t seed)
{
    std::unordered_map<std::string, size_t> id_of;
    auto id = [&id_of](const std::string& path) {
        std::error_code ec;
        auto canon = fs::weakly_canonical(path, ec);
        const std::string key = ec ? path : canon.string();
        return id_of.emplace(key, id_of.size()).first->second;
    };
    std::vector<size_t> private_ids, host_ids;
    std::unordered_map<size_t, size_t> private_index, host_index;
    for (size_t i = 0; i < privates.size(); ++i) {
        private_ids.push_back(id(privates.path(i)));
        private_index[private_ids.back()] = i;
    }
    for (size_t i = 0; i < hosts.size(); ++i) {
        host_ids.push_back(id(hosts.path(i)));
        host_index[host_ids.back()] = i;
    }
    if (host_ids.size() == 1 && private_ids == host_ids)
        throw error("one image in all: pairs need a host other than the private image "
                    "(give more private images, or hosts of their own)");
    pair_sampler sampler(host_ids, private_ids, seed);
    auto pairs = sampler.draw(count);
    for (auto& [h, p] : pairs) {
        h = host_index.at(h);
        p = private_index.at(p);
    }
    return pairs;
}

// ---------------------------------------------------------------- formatting

namespace {

constexpr const char* not_measured = "not measured";
constexpr const char* dash = "–";

const std::array<const char*, experiment_rows> row_names
    = { "DeepJSCC (private)",
        "Secure (private)",
        "Secure (host)",
        "DeepJSCC (host)",
        "E4 INN, no key (private)",
        "E4 INN, random key (private)",
        "E4 INN, key bit flipped (private)",
        "E4 INN, wrong nonce (private)",
        "E5 Eve's own INN, no key (private)",
        "Eve's extractor (private)" };
const std::array<const char*, experiment_rows> row_keys
    = { "deepjscc_private",  "secure_private",    "secure_host",        "deepjscc_host",
        "e4_inn_no_key",     "e4_inn_random_key", "e4_inn_flipped_bit", "e4_inn_wrong_nonce",
        "e5_own_inn_no_key", "eve_extractor" };
const std::array<const char*, experiment_rows> row_refs
    = { "private", "private", "host",    "host",    "private",
        "private", "private", "private", "private", "private" };
const std::array<const char*, experiment_observers> observer_keys
    = { "bob", "eve_naive", "eve_mia" };

std::string fmt(double v, int digits)
{
    if (!std::isfinite(v))
        return "";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
    return buf;
}

std::string fmt_summary(const summary& s, int digits)
{
    if (!s.measured())
        return not_measured;
    std::string out = fmt(s.mean, digits);
    if (std::isfinite(s.se))
        out += " ± " + fmt(s.se, digits);
    return out;
}

std::string fmt_signed_summary(const summary& s, int digits)
{
    std::string out = fmt_summary(s, digits);
    return s.measured() && s.mean >= 0 ? "+" + out : out;
}

json telling_json(const std::vector<std::pair<std::string, double>>& telling)
{
    json j = json::array();
    for (const auto& [name, auc] : telling)
        j.push_back({ { "statistic", name }, { "roc_auc", auc } });
    return j;
}

json summary_json(const summary& s)
{
    if (!s.measured())
        return nullptr;
    return json { { "mean", s.mean },
                  { "se", std::isfinite(s.se) ? json(s.se) : json(nullptr) },
                  { "n", s.n } };
}

std::string describe(const image_set_report& set)
{
    return set.folder + " [" + set.range + "], crop " + fmt(set.crop, 4);
}

std::string sh_quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return q + "'";
}

std::string gp_quote(const std::string& s)
{
    std::string q = "'";
    for (char c : s)
        q += c == '\'' ? std::string("''") : std::string(1, c);
    return q + "'";
}

//! What every table shows for one row.
struct row_view {
    std::array<score_summary, experiment_observers> scores;
    bool bob_applies, detector_applies, leakage_applies;
    summary leak_naive, leak_mia;
    //! Attack rows: MS-SSIM to her own pair's private image minus to another pair's
    //! (paired; > 0 only if something of her own pair leaks). Unset elsewhere.
    std::optional<summary> own_minus_other;
};

row_view view_row(const experiment_result& r, const eve_table& t, int row)
{
    row_view v;
    for (int ob = 0; ob < experiment_observers; ++ob)
        v.scores[ob] = summarize(t.cells[row][ob]);
    // Bob is not after the host, and not in Eve's attacks.
    const bool host_row = row == row_secure_host || row == row_plain_host;
    v.bob_applies = !host_row && !is_attack_row(row);
    v.detector_applies = row == row_secure_private || row == row_secure_host;
    // Leakage on one scale for the secure system and the unprotected baseline (the threat).
    v.leakage_applies = !host_row;
    if (v.leakage_applies) {
        v.leak_naive = t.cells[row][observer_eve].ms_ssim.empty()
            ? summary {}
            : paired_difference(t.cells[row][observer_eve].ms_ssim, r.floor.ms_ssim);
        v.leak_mia = t.cells[row][observer_mia].ms_ssim.empty()
            ? summary {}
            : paired_difference(t.cells[row][observer_mia].ms_ssim, r.floor.ms_ssim);
    }
    const auto& own = t.cells[row][observer_eve].ms_ssim;
    const auto& other = t.attack_vs_other_private[row].ms_ssim;
    if (is_attack_row(row) && !own.empty() && own.size() == other.size())
        v.own_minus_other = paired_difference(own, other);
    return v;
}

//! The rows a table has: no E4 rows for a keyless INN, no E5 or extractor row without
//! the network.
bool row_present(const eve_table& t, int row)
{
    return !((is_attack_row(row) || row == row_plain_host)
             && t.cells[row][observer_eve].ms_ssim.empty());
}

summary detector_accuracy(const eve_table& t)
{
    return proportion(t.detector_plain_ok + t.detector_container_ok, 2 * t.detector_signals);
}

json pooled_json(const std::vector<pooled_detection>& pooled)
{
    json j = json::array();
    for (const auto& p : pooled)
        j.push_back({ { "transmissions", p.transmissions },
                      { "groups", p.groups },
                      { "shufflings", pooled_detection_shufflings },
                      { "accuracy", p.accuracy },
                      { "roc_auc", p.roc_auc } });
    return j;
}

summary detector_refit_accuracy(const eve_table& t)
{
    return proportion(t.detector_refit_plain_ok + t.detector_refit_container_ok,
                      2 * t.detector_signals);
}

} // namespace

std::string experiment_row_name(const experiment_result& result, int row)
{
    if (row < 0 || row >= experiment_rows)
        throw error("no experiment row " + std::to_string(row));
    if (row == row_extractor && !result.setup.extractor_row.empty())
        return result.setup.extractor_row;
    return row_names[row];
}

std::string snr_text(double snr_db)
{
    std::ostringstream s;
    s << snr_db;
    return s.str();
}

std::string csv_field(const std::string& text)
{
    if (text.find_first_of(",\"\n") == std::string::npos)
        return text;
    std::string q = "\"";
    for (char c : text)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
}

// ---------------------------------------------------------------- the tables

std::string results_csv(const experiment_result& r)
{
    const auto& s = r.setup;
    const auto floor = summarize(r.floor);
    std::ostringstream csv;
    csv << "eve_snr_db,bob_snr_db,channel,row,compared_to,pairs";
    for (const char* ob : observer_keys)
        for (const char* m : { "psnr", "ssim", "ms_ssim", "lpips" })
            csv << "," << ob << "_" << m << "," << ob << "_" << m << "_se";
    csv << ",eve_naive_leakage,eve_naive_leakage_se,eve_mia_leakage,eve_mia_leakage_se,"
           "detector_accuracy,detector_accuracy_se,floor_psnr,floor_psnr_se,floor_ms_ssim,"
           "floor_ms_ssim_se\n";
    for (const auto& t : r.tables) {
        const auto det = detector_accuracy(t);
        for (int row = 0; row < experiment_rows; ++row) {
            if (!row_present(t, row))
                continue;
            const auto v = view_row(r, t, row);
            csv << snr_text(t.eve_snr_db) << "," << snr_text(s.bob_snr_db) << "," << s.channel
                << "," << csv_field(experiment_row_name(r, row)) << "," << row_refs[row]
                << "," << s.pairs;
            for (int ob = 0; ob < experiment_observers; ++ob) {
                const bool applies = ob != observer_bob || v.bob_applies;
                const auto& st = v.scores[ob];
                for (const auto* m : { &st.psnr, &st.ssim, &st.ms_ssim, &st.lpips })
                    csv << "," << (applies ? fmt(m->mean, 5) : "") << ","
                        << (applies ? fmt(m->se, 5) : "");
            }
            for (const auto* m : { &v.leak_naive, &v.leak_mia })
                csv << "," << fmt(m->mean, 5) << "," << fmt(m->se, 5);
            csv << "," << (v.detector_applies ? fmt(det.mean, 5) : "") << ","
                << (v.detector_applies ? fmt(det.se, 5) : "") << ","
                << fmt(floor.psnr.mean, 5) << "," << fmt(floor.psnr.se, 5) << ","
                << fmt(floor.ms_ssim.mean, 5) << "," << fmt(floor.ms_ssim.se, 5) << "\n";
        }
    }
    return csv.str();
}

json results_json(const experiment_result& r)
{
    const auto& s = r.setup;
    const auto floor = summarize(r.floor);
    auto opt_json = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };

    json j;
    j["settings"] = { { "codec", s.codec },
                      { "inn", s.inn },
                      { "mia", opt_json(s.mia) },
                      { "detector", opt_json(s.detector) },
                      { "lpips", opt_json(s.lpips) },
                      { "eve_inn", opt_json(s.eve_inn) },
                      { "private_codec", opt_json(s.private_codec) },
                      { "lost_part", s.lost_part },
                      { "side", s.side },
                      { "seed", s.seed },
                      { "batch", s.batch },
                      { "channel", s.channel },
                      { "bob_snr_db", s.bob_snr_db },
                      { "snr_estimate_error_db", s.snr_estimate_error_db },
                      { "eve_snr_db", s.eve_snrs_db },
                      { "codec_config", s.codec_config },
                      { "inn_config", s.inn_config },
                      { "torch_threads", s.torch_threads } };
    const bool same = s.hosts_same_pool;
    j["data"] = { { "private_folder", s.privates.folder },
                  { "private_range", s.privates.range },
                  { "private_crop", s.privates.crop },
                  { "private_images", s.privates.images },
                  { "private_skipped", s.privates.skipped },
                  { "private_skipped_files", s.privates.skipped_files },
                  { "hosts_same_pool", same },
                  { "host_source", same ? json(nullptr) : json(describe(s.hosts)) },
                  { "host_crop", same ? s.privates.crop : s.hosts.crop },
                  { "host_images", same ? s.privates.images : s.hosts.images },
                  { "host_skipped", same ? 0 : s.hosts.skipped },
                  { "host_skipped_files",
                    same ? std::vector<std::string>() : s.hosts.skipped_files },
                  { "pairs", s.pairs } };
    j["floor"] = { { "psnr", summary_json(floor.psnr) },
                   { "ssim", summary_json(floor.ssim) },
                   { "ms_ssim", summary_json(floor.ms_ssim) },
                   { "lpips", summary_json(floor.lpips) } };

    j["tables"] = json::array();
    for (const auto& t : r.tables) {
        const auto det = detector_accuracy(t);
        const auto refit = detector_refit_accuracy(t);
        json jt {
            { "eve_snr_db", t.eve_snr_db },
            { "bob_snr_db", s.bob_snr_db },
            { "rows", json::array() },
            { "detector",
              r.have_detector()
                  ? json { { "accuracy", summary_json(det) },
                           { "plain_called_plain", t.detector_plain_ok },
                           { "containers_called_containers", t.detector_container_ok },
                           { "signals_each", t.detector_signals },
                           { "roc_auc", t.detector_auc },
                           { "channel_auc", t.detector_channel_auc },
                           { "channel_auc_without", t.detector_channel_auc_without },
                           { "refitted_threshold",
                             std::isfinite(t.detector_refit_threshold)
                                 ? json { { "threshold", t.detector_refit_threshold },
                                          { "accuracy", summary_json(refit) },
                                          { "plain_called_plain", t.detector_refit_plain_ok },
                                          { "containers_called_containers",
                                            t.detector_refit_container_ok },
                                          { "fitted_on", s.statistical_fit } }
                                 : json(nullptr) },
                           { "pooled", pooled_json(t.detector_pooled) } }
                  : json(nullptr) },
            { "statistical_steganalyst",
              t.have_statistical ? json { { "accuracy", t.statistical_accuracy },
                                          { "roc_auc", t.statistical_auc },
                                          { "fitted_on", s.statistical_fit },
                                          { "most_telling", telling_json(t.telling) } }
                                 : json(nullptr) },
            { "calibrated_steganalyst",
              t.have_calibrated
                  ? json { { "accuracy", t.calibrated_accuracy },
                           { "roc_auc", t.calibrated_auc },
                           { "fitted_on", s.statistical_fit },
                           { "most_telling", telling_json(t.calibrated_telling) } }
                  : json(nullptr) }
        };
        for (int row = 0; row < experiment_rows; ++row) {
            if (!row_present(t, row))
                continue;
            const auto v = view_row(r, t, row);
            json jr { { "name", experiment_row_name(r, row) },
                      { "key", row_keys[row] },
                      { "compared_to", row_refs[row] } };
            for (int ob = 0; ob < experiment_observers; ++ob) {
                const bool applies = ob != observer_bob || v.bob_applies;
                const char* key = is_attack_row(row) && ob == observer_eve
                    ? "eve_inn"
                    : observer_keys[ob];
                const auto& st = v.scores[ob];
                jr[key] = applies && st.psnr.measured()
                    ? json { { "psnr", summary_json(st.psnr) },
                             { "ssim", summary_json(st.ssim) },
                             { "ms_ssim", summary_json(st.ms_ssim) },
                             { "lpips", summary_json(st.lpips) } }
                    : json(nullptr);
            }
            jr["leakage_ms_ssim_above_floor"] = v.leakage_applies
                ? json { { "eve_naive", summary_json(v.leak_naive) },
                         { "eve_mia", summary_json(v.leak_mia) } }
                : json(nullptr);
            jr["ms_ssim_own_minus_other_private"]
                = v.own_minus_other ? summary_json(*v.own_minus_other) : json(nullptr);
            jr["detector_accuracy"] = v.detector_applies ? summary_json(det) : json(nullptr);
            jt["rows"].push_back(jr);
        }
        j["tables"].push_back(jt);
    }

    json js = json::array();
    for (const auto& p : r.sweep)
        js.push_back({ { "snr_db", p.snr_db },
                       { "pairs", p.pairs },
                       { "baseline_psnr", summary_json(p.baseline) },
                       { "secure_bob_psnr", summary_json(p.bob) },
                       { "eve_naive_psnr_private", summary_json(p.eve_private) },
                       { "eve_naive_psnr_host", summary_json(p.eve_host) },
                       { "eve_mia_psnr_private", summary_json(p.mia_private) },
                       { "eve_mia_psnr_host", summary_json(p.mia_host) } });
    j["snr_sweep"] = js;
    j["seconds"] = r.total_s;
    return j;
}

std::string results_markdown(const experiment_result& r, const std::string& plot_note)
{
    const auto& s = r.setup;
    const auto floor = summarize(r.floor);
    auto named = [](const std::string& path) {
        return path.empty() ? std::string(not_measured) : "`" + path + "`";
    };
    std::ostringstream md;
    md << "# semsteg-eval results\n\n"
       << "- codec `" << s.codec << "`, INN `" << s.inn << "`, Eve's MIA " << named(s.mia)
       << ", detector " << named(s.detector) << ", LPIPS " << named(s.lpips)
       << (s.eve_inn.empty() ? "" : ", Eve's own INN (E5) `" + s.eve_inn + "`")
       << (s.private_codec.empty()
               ? ""
               : ", the payload's private codec `" + s.private_codec + "`")
       << "; Bob fills the lost part with " << s.lost_part << "\n"
       << "- private images: " << describe(s.privates) << ": " << s.privates.images
       << " read, " << s.privates.skipped << " unreadable skipped\n"
       << "- hosts: "
       << (!s.hosts_same_pool
               ? describe(s.hosts) + ": " + std::to_string(s.hosts.images) + " read, "
                   + std::to_string(s.hosts.skipped) + " unreadable skipped"
               : std::string("the private pool (an image is never its own host)"))
       << "\n"
       << "- " << s.pairs << " random (host, private) pairs, seed " << s.seed << ", "
       << s.side << "×" << s.side << ", channel " << s.channel << ", Bob SNR "
       << snr_text(s.bob_snr_db) << " dB\n"
       << "- values: mean ± standard error over pairs; PSNR in dB; SSIM and MS-SSIM as "
          "defined "
          "in lib/include/semsteg/metrics.h ("
       << s.ms_ssim_scales << "-scale MS-SSIM at " << s.side << " px)\n";

    for (const auto& t : r.tables) {
        const auto det = detector_accuracy(t);
        const bool lp = r.have_lpips();
        md << "\n## Eve SNR " << snr_text(t.eve_snr_db) << " dB (Bob "
           << snr_text(s.bob_snr_db) << " dB, " << s.channel << ", " << s.pairs
           << " pairs)\n\n"
           << "| system (compared to) | Bob PSNR | Bob SSIM | Bob MS-SSIM |"
           << (lp ? " Bob LPIPS |" : "")
           << " Eve naive (E4–E7 rows: the row's attack) PSNR | Eve MS-SSIM |"
           << (lp ? " Eve LPIPS |" : "") << " Eve MIA PSNR | Eve MIA MS-SSIM |"
           << (lp ? " Eve MIA LPIPS |" : " LPIPS |") << " detector accuracy |\n"
           << "|---|---|---|---|" << (lp ? "---|" : "") << "---|---|" << (lp ? "---|" : "")
           << "---|---|---|---|\n";

        std::vector<row_view> views; // every row's view, computed once for this table
        views.reserve(experiment_rows);
        for (int row = 0; row < experiment_rows; ++row)
            views.push_back(view_row(r, t, row));
        const auto& secure = views[row_secure_private];
        const auto& baseline = views[row_baseline];
        for (int row = 0; row < experiment_rows; ++row) {
            if (!row_present(t, row))
                continue;
            const auto& v = views[row];
            const auto& bob_s = v.scores[observer_bob];
            const auto& eve_s = v.scores[observer_eve];
            const auto& mia_s = v.scores[observer_mia];
            auto bob = [&](const summary& m, int digits) {
                return v.bob_applies ? fmt_summary(m, digits) : std::string(dash);
            };
            md << "| " << experiment_row_name(r, row) << " | " << bob(bob_s.psnr, 2) << " | "
               << bob(bob_s.ssim, 3) << " | " << bob(bob_s.ms_ssim, 3) << " | ";
            if (lp)
                md << bob(bob_s.lpips, 3) << " | ";
            md << fmt_summary(eve_s.psnr, 2) << " | " << fmt_summary(eve_s.ms_ssim, 3)
               << " | ";
            if (lp)
                md << fmt_summary(eve_s.lpips, 3) << " | ";
            md << fmt_summary(mia_s.psnr, 2) << " | " << fmt_summary(mia_s.ms_ssim, 3)
               << " | " << (lp ? fmt_summary(mia_s.lpips, 3) : not_measured) << " | "
               << (!v.detector_applies     ? std::string(dash)
                       : r.have_detector() ? fmt_summary(det, 3)
                                           : std::string(not_measured))
               << " |\n";
        }

        md << "\n- floor (each pair's host vs its private image): MS-SSIM "
           << fmt_summary(floor.ms_ssim, 3) << ", PSNR " << fmt_summary(floor.psnr, 2)
           << " dB";
        if (lp)
            md << ", LPIPS " << fmt_summary(floor.lpips, 3);
        md << "\n- Eve's leakage (MS-SSIM to the private image − floor): secure naive "
           << fmt_signed_summary(secure.leak_naive, 3) << ", secure MIA "
           << (r.have_mia() ? fmt_signed_summary(secure.leak_mia, 3)
                            : std::string(not_measured))
           << " (unprotected DeepJSCC, naive: " << fmt_signed_summary(baseline.leak_naive, 3)
           << ")\n";
        // Each attack's picture against its own private image minus against another pair's:
        // > 0 only if it carries something of its own private image.
        bool first_attack = true;
        for (int row = row_e4_no_key; row < experiment_rows; ++row) {
            const auto& own_minus_other = views[row].own_minus_other;
            if (!own_minus_other)
                continue;
            md << (first_attack
                       ? "- Eve's attacks, MS-SSIM to her own pair's private image − "
                         "to another pair's (> 0: something of her own pair "
                         "leaks): "
                       : "; ")
               << experiment_row_name(r, row) << " "
               << fmt_signed_summary(*own_minus_other, 3);
            first_attack = false;
        }
        if (!first_attack)
            md << "\n";
        if (row_present(t, row_plain_host)) {
            // E9: her naive picture of the host against the host sent plainly, pair by pair.
            const auto& secure_host = t.cells[row_secure_host][observer_eve];
            const auto& plain_host = t.cells[row_plain_host][observer_eve];
            md << "- Eve's naive picture of the host against plain DeepJSCC of it (E9): PSNR "
               << fmt_signed_summary(paired_difference(secure_host.psnr, plain_host.psnr), 2)
               << " dB, MS-SSIM "
               << fmt_signed_summary(
                      paired_difference(secure_host.ms_ssim, plain_host.ms_ssim), 3)
               << "\n";
        }
        if (r.have_detector())
            md << "- detector: " << t.detector_plain_ok << "/" << t.detector_signals
               << " plain host signals called plain, " << t.detector_container_ok << "/"
               << t.detector_signals
               << " containers called containers (threshold 0 on the logit, set in "
                  "training; 0.5 = undetectable); ROC AUC "
               << fmt(t.detector_auc, 3) << "\n";
        if (r.have_detector() && std::isfinite(t.detector_refit_threshold))
            md << "- detector, its threshold refitted at this SNR on the fit pairs ("
               << s.statistical_fit << ": " << fmt(t.detector_refit_threshold, 3)
               << " on the logit): " << t.detector_refit_plain_ok << "/" << t.detector_signals
               << " plain called plain, " << t.detector_refit_container_ok << "/"
               << t.detector_signals << " containers called containers, accuracy "
               << fmt_summary(detector_refit_accuracy(t), 3) << "\n";
        if (r.have_detector() && !t.detector_pooled.empty()) {
            md << "- detector over N transmissions of one link (its mean logit over N "
                  "signals "
                  "of a kind, threshold 0; disjoint groups, the mean of "
               << pooled_detection_shufflings << " shufflings):";
            for (const auto& p : t.detector_pooled)
                md << (&p == &t.detector_pooled.front() ? " " : "; ")
                   << "N = " << p.transmissions << ": accuracy " << fmt(p.accuracy, 3)
                   << ", ROC AUC " << fmt(p.roc_auc, 3) << " (" << p.groups
                   << " decisions of each kind)";
            md << "\n";
        }
        // One AUC per latent channel after a title: the detector's channel probes.
        const auto channel_line
            = [&md](const std::string& title, const std::vector<double>& auc) {
                  if (auc.empty())
                      return;
                  md << "- " << title << ":";
                  for (size_t c = 0; c < auc.size(); ++c)
                      md << (c ? "," : "") << " ch" << c << " " << fmt(auc[c], 3);
                  md << "\n";
              };
        channel_line("where the detector finds the containers (its ROC AUC on plain signals "
                     "with one channel taken from the containers; 0.5: nothing there alone)",
                     t.detector_channel_auc);
        channel_line(
            "what the detector needs (its ROC AUC on the containers with one channel "
            "made plain; "
                + fmt(t.detector_auc, 3) + " where it does not need that channel)",
            t.detector_channel_auc_without);
        // The statistics that tell the classes apart best alone, after a steganalyst's line.
        const auto telling_list
            = [&md](const std::vector<std::pair<std::string, double>>& telling) {
                  md << "; alone, the most telling statistics: ";
                  for (size_t k = 0; k < telling.size(); ++k)
                      md << (k ? ", " : "") << telling[k].first << " (AUC "
                         << fmt(telling[k].second, 3) << ")";
                  md << "\n";
              };
        if (t.have_statistical) {
            md << "- statistical steganalyst (E10: per-channel moments and spectra, channel "
                  "correlations, "
                  "logistic regression fitted on "
               << s.statistical_fit << " at this SNR, containers under a key of its own): "
               << "accuracy " << fmt(t.statistical_accuracy, 3) << ", ROC AUC "
               << fmt(t.statistical_auc, 3);
            telling_list(t.telling);
        }
        if (t.have_calibrated) {
            md << "- calibrated steganalyst (E10: the same statistics of the received signal "
                  "and of what the public codec cannot explain in it, y − E(D(y)), D at "
                  "Eve's "
                  "SNR, E at Bob's; fitted on "
               << s.statistical_fit << "): accuracy " << fmt(t.calibrated_accuracy, 3)
               << ", ROC AUC " << fmt(t.calibrated_auc, 3);
            telling_list(t.calibrated_telling);
        }
    }

    if (!r.keys.empty()) {
        double lo = r.keys[0].bob_psnr.mean, hi = lo;
        for (const auto& k : r.keys) {
            lo = std::min(lo, k.bob_psnr.mean);
            hi = std::max(hi, k.bob_psnr.mean);
        }
        md << "\n## Bob under " << r.keys.size() << " random keys\n\n"
           << "The same " << r.keys[0].bob_psnr.n
           << " pairs and channel noise under each key (Bob " << snr_text(s.bob_snr_db)
           << " dB): mean PSNR per key from " << fmt(lo, 2) << " to " << fmt(hi, 2)
           << " dB (spread " << fmt(hi - lo, 2) << " dB); `key_sweep.csv` has each key.\n";
    }

    md << "\n## Files\n\n"
       << "- `grid.png`: columns are pairs 0–" << r.grid.pairs - 1
       << "; rows host, private, Bob (secure), Eve naive" << (r.have_mia() ? ", Eve MIA" : "")
       << " (Eve SNR " << (s.eve_snrs_db.empty() ? "" : snr_text(s.eve_snrs_db[0]))
       << " dB)\n"
       << "- `snr_sweep.csv`: PSNR vs channel SNR 0–20 dB (Bob = Eve) on " << r.sweep_pairs
       << " pairs; plot: " << plot_note << "\n"
       << "- `results.csv`, `results.json`: these tables with standard errors\n";
    if (!s.dump_dir.empty())
        md << "- every reconstruction as PNG under `" << s.dump_dir
           << "` (file name = pair index; pairs.csv names the images)\n";
    md << "\nEvaluated in " << fmt(r.eval_s, 0) << " s (" << fmt(r.total_s, 0)
       << " s with the sweep); torch threads: " << s.torch_threads << ".\n";
    return md.str();
}

// ---------------------------------------------------------------- the sweep and the grid

std::string sweep_csv(const experiment_result& r)
{
    std::ostringstream csv;
    csv << "snr_db,pairs,baseline_psnr,baseline_psnr_se,secure_bob_psnr,secure_bob_psnr_se,"
           "eve_naive_psnr_private,eve_naive_psnr_private_se,eve_naive_psnr_host,"
           "eve_naive_psnr_host_se,eve_mia_psnr_private,eve_mia_psnr_private_se,"
           "eve_mia_psnr_host,eve_mia_psnr_host_se\n";
    for (const auto& p : r.sweep) {
        csv << fmt(p.snr_db, 0) << "," << p.pairs;
        for (const auto* m : { &p.baseline,
                               &p.bob,
                               &p.eve_private,
                               &p.eve_host,
                               &p.mia_private,
                               &p.mia_host })
            csv << "," << fmt(m->mean, 4) << "," << fmt(m->se, 4);
        csv << "\n";
    }
    return csv.str();
}

std::string key_sweep_csv(const experiment_result& r)
{
    std::ostringstream csv;
    csv << "key_fingerprint,pairs,bob_psnr,bob_psnr_se,bob_ms_ssim,bob_ms_ssim_se\n";
    for (const auto& k : r.keys)
        csv << k.fingerprint << "," << k.bob_psnr.n << "," << fmt(k.bob_psnr.mean, 4) << ","
            << fmt(k.bob_psnr.se, 4) << "," << fmt(k.bob_ms_ssim.mean, 5) << ","
            << fmt(k.bob_ms_ssim.se, 5) << "\n";
    return csv.str();
}

std::string sweep_gnuplot_script(const experiment_result& r, const std::string& folder)
{
    const auto abs_out = fs::absolute(folder);
    std::ostringstream gp;
    gp << "# Written by semsteg-eval; run: gnuplot snr_sweep.gp\n"
       << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
       << "    set terminal pngcairo size 1100,560 enhanced font 'sans,10'\n"
       << "} else {\n"
       << "    set terminal png size 1100,560\n"
       << "}\n"
       << "set output " << gp_quote((abs_out / "snr_sweep.png").string()) << "\n"
       << "set datafile separator ','\n"
       << "set title 'PSNR vs channel SNR (" << r.setup.channel
       << ", Bob and Eve at the same SNR, " << r.sweep_pairs << " pairs)'\n"
       << "set xlabel 'channel SNR (dB)'\nset ylabel 'PSNR (dB)'\n"
       << "set key outside right center\nset grid\nset xrange [0:20]\nset xtics 2\n"
       << "f = " << gp_quote((abs_out / "snr_sweep.csv").string()) << "\n"
       << "plot f skip 1 using 1:3 with linespoints lw 2 title 'DeepJSCC baseline: Bob "
          "(private)', \\\n"
       << "     f skip 1 using 1:5 with linespoints lw 2 title 'secure: Bob (private)', \\\n"
       << "     f skip 1 using 1:7 with linespoints lw 2 title 'secure: Eve naive vs "
          "private', "
          "\\\n"
       << "     f skip 1 using 1:9 with linespoints lw 2 title 'secure: Eve naive vs host'";
    if (r.have_mia())
        gp << ", \\\n     f skip 1 using 1:11 with linespoints lw 2 dt 2 title 'secure: Eve "
              "MIA "
              "vs private', \\\n"
           << "     f skip 1 using 1:13 with linespoints lw 2 dt 2 title 'secure: Eve MIA vs "
              "host'";
    gp << "\n";
    return gp.str();
}

image results_grid(const grid_images& grid)
{
    std::vector<image> cells;
    for (const auto* row : { &grid.host, &grid.privates, &grid.bob, &grid.eve, &grid.mia })
        cells.insert(cells.end(), row->begin(), row->end());
    if (cells.empty() || grid.pairs == 0)
        throw error("the picture grid has no images");
    return tile_grid(cells, static_cast<int>(grid.pairs), 2);
}

std::string pairs_csv(const image_pairs& pairs)
{
    std::ostringstream csv;
    csv << "pair,host,private\n";
    for (size_t i = 0; i < pairs.pairs.size(); ++i)
        csv << i << "," << csv_field(pairs.hosts->path(pairs.pairs[i].first)) << ","
            << csv_field(pairs.privates->path(pairs.pairs[i].second)) << "\n";
    return csv.str();
}

std::string write_experiment(const experiment_result& result,
                             const std::string& folder,
                             const std::function<void(const std::string&)>& warn,
                             const std::string& gnuplot)
{
    const fs::path out(folder);
    save_png((out / "grid.png").string(), results_grid(result.grid));
    write_text_file((out / "snr_sweep.csv").string(), sweep_csv(result));
    write_text_file((out / "snr_sweep.gp").string(), sweep_gnuplot_script(result, folder));
    if (!result.keys.empty())
        write_text_file((out / "key_sweep.csv").string(), key_sweep_csv(result));

    std::string plot_note;
    std::error_code ec;
    fs::remove(out / "snr_sweep.png", ec); // a stale plot must not pass for a new one
    if (!fs::exists(gnuplot)) {
        plot_note = gnuplot
            + " not found: no snr_sweep.png (snr_sweep.csv and snr_sweep.gp written; "
              "install gnuplot to plot)";
        if (warn)
            warn(plot_note);
    } else {
        const std::string cmd
            = gnuplot + " " + sh_quote(fs::absolute(out / "snr_sweep.gp").string());
        if (std::system(cmd.c_str()) == 0 && fs::exists(out / "snr_sweep.png")) {
            plot_note = "snr_sweep.png (gnuplot)";
        } else {
            plot_note = "gnuplot failed on snr_sweep.gp: no snr_sweep.png";
            if (warn)
                warn(plot_note);
        }
    }

    const std::string md = results_markdown(result, plot_note);
    write_text_file((out / "results.csv").string(), results_csv(result));
    write_text_file((out / "results.json").string(), results_json(result).dump(2) + "\n");
    write_text_file((out / "results.md").string(), md);
    return md;
}

} // namespace semsteg
