/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-eval: the reference experiment (Bob vs Eve) on random (host, private) pairs; writes
// the table (Markdown, CSV, JSON), the floor and Eve's leakage, a visual grid and an SNR
// sweep. Every reconstruction comes from semsteg::run_secure_link, every score from
// metrics.h.

#include <semsteg/covert.h>
#include <semsteg/dataset.h>
#include <semsteg/error.h>
#include <semsteg/image.h>
#include <semsteg/metrics.h>
#include <semsteg/secure_link.h>
#include <semsteg/stego_key.h>
#include <semsteg/threads.h>

#include <CLI/CLI.hpp>
#include <torch/script.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <limits>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <unistd.h>
#include <unordered_map>
#include <vector>

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr double nan_v = std::numeric_limits<double>::quiet_NaN();
constexpr const char* not_measured = "not measured";
constexpr const char* gnuplot_path = "/usr/bin/gnuplot";

// ---------------------------------------------------------------- statistics

//! Mean and standard error of the mean over pairs; n == 0 means "not measured".
struct stat {
    double mean = nan_v;
    double se = nan_v;
    size_t n = 0;
    bool measured() const { return n > 0; }
};

stat summarize(const std::vector<double>& v)
{
    stat s;
    s.n = v.size();
    if (v.empty())
        return s;
    double sum = 0.0;
    for (double x : v)
        sum += x;
    s.mean = sum / static_cast<double>(v.size());
    if (v.size() > 1) {
        double ss = 0.0;
        for (double x : v)
            ss += (x - s.mean) * (x - s.mean);
        s.se = std::sqrt(ss / static_cast<double>(v.size() - 1)
                         / static_cast<double>(v.size()));
    }
    return s;
}

void append(std::vector<double>& v, const torch::Tensor& t)
{
    const auto c = t.detach().to(torch::kDouble).reshape({ -1 }).contiguous();
    v.insert(v.end(), c.data_ptr<double>(), c.data_ptr<double>() + c.numel());
}

//! Per-pair scores of one reconstruction against one reference image.
struct scores {
    std::vector<double> psnr, ssim, ms_ssim, lpips;
};

struct score_stats {
    stat psnr, ssim, ms_ssim, lpips;
};

score_stats summarize(const scores& s)
{
    return { summarize(s.psnr), summarize(s.ssim), summarize(s.ms_ssim), summarize(s.lpips) };
}

// ---------------------------------------------------------------- LPIPS (optional)

//! A TorchScript LPIPS model called as model(x, y) on [-1,1] images, one distance per image.
class lpips_model
{
public:
    explicit lpips_model(const std::string& path) : d_path(path)
    {
        try {
            d_module = torch::jit::load(path);
        } catch (const std::exception& e) {
            throw semsteg::error("LPIPS model '" + path
                                 + "' is not a loadable TorchScript file: "
                                 + first_line(e.what()));
        }
        d_module.eval();
    }

    torch::Tensor distance(const torch::Tensor& a, const torch::Tensor& b)
    {
        std::vector<torch::jit::IValue> in { a * 2.0 - 1.0, b * 2.0 - 1.0 };
        torch::Tensor d;
        try {
            d = d_module.forward(in).toTensor();
        } catch (const std::exception& e) {
            throw semsteg::error("LPIPS model '" + d_path + "' failed on a ["
                                 + std::to_string(a.size(0)) + ",3,"
                                 + std::to_string(a.size(2)) + "," + std::to_string(a.size(3))
                                 + "] batch: " + first_line(e.what()));
        }
        if (d.numel() != a.size(0))
            throw semsteg::error("LPIPS model '" + d_path + "' returned "
                                 + std::to_string(d.numel()) + " values for "
                                 + std::to_string(a.size(0))
                                 + " image pairs (expected one each)");
        return d.reshape({ -1 }).to(torch::kFloat);
    }

private:
    // torch's messages carry a long C++ backtrace after the first line.
    static std::string first_line(const std::string& s) { return s.substr(0, s.find('\n')); }
    std::string d_path;
    torch::jit::script::Module d_module;
};

void score(scores& s,
           const torch::Tensor& rec,
           const torch::Tensor& ref,
           lpips_model* lpips,
           bool with_ssim = true)
{
    append(s.psnr, semsteg::psnr(rec, ref));
    if (with_ssim)
        append(s.ssim, semsteg::ssim(rec, ref));
    append(s.ms_ssim, semsteg::ms_ssim(rec, ref));
    if (lpips)
        append(s.lpips, lpips->distance(rec, ref));
}

//! A NaN or infinite pixel is an error, never an empty cell in the tables.
void require_finite(const torch::Tensor& t, const char* what)
{
    if (t.defined() && !torch::isfinite(t).all().item<bool>())
        throw semsteg::error(std::string("non-finite output (NaN or infinity) from ") + what
                             + ": a model file is damaged or the models do not fit together");
}

// ---------------------------------------------------------------- the experiment

//! The table's rows and observers (Bob, Eve naive, Eve MIA).
// The E4 rows (keyed INN only): Eve runs the public INN backwards without the right key;
// their Eve column is that attack (not the naive decoding).
enum row_id {
    row_baseline,
    row_secure_private,
    row_secure_host,
    row_e4_nokey,
    row_e4_wrong_key,
    row_e4_flipped_bit,
    row_e4_wrong_nonce,
    row_extractor,
    n_rows
};
enum obs_id { obs_bob, obs_eve, obs_mia, n_obs };
const std::array<const char*, n_rows> row_names = { "DeepJSCC (private)",
                                                    "Secure (private)",
                                                    "Secure (host)",
                                                    "E4 INN, no key (private)",
                                                    "E4 INN, random key (private)",
                                                    "E4 INN, key bit flipped (private)",
                                                    "E4 INN, wrong nonce (private)",
                                                    "Eve's extractor (private)" };
const std::array<const char*, n_rows> row_keys
    = { "deepjscc_private",  "secure_private",     "secure_host",        "e4_inn_no_key",
        "e4_inn_random_key", "e4_inn_flipped_bit", "e4_inn_wrong_nonce", "eve_extractor" };
const std::array<const char*, n_rows> row_refs
    = { "private", "private", "host", "private", "private", "private", "private", "private" };
//! Rows of Eve's attacks with the public INN: the Eve column is the row's attack.
bool is_e4(int r) { return r >= row_e4_nokey; }
const std::array<const char*, n_obs> obs_keys = { "bob", "eve_naive", "eve_mia" };

//! One table: every pair at Bob's and one Eve SNR.
struct table_run {
    double eve_snr_db = 0.0;
    std::array<std::array<scores, n_obs>, n_rows> cell;
    size_t det_plain_ok = 0, det_container_ok = 0, det_n = 0;
    double det_auc = std::numeric_limits<double>::quiet_NaN();
    // E10's statistical steganalyst (fitted on separate pairs), if asked for.
    bool have_stats = false;
    double stats_accuracy = 0, stats_auc = 0;
};

struct pair_data {
    const semsteg::image_set* hosts = nullptr;
    const semsteg::image_set* privates = nullptr;
    //! (host index, private index) into their sets
    std::vector<std::pair<size_t, size_t>> pairs;
    int side = 64;

    //! (host batch, private batch) for pairs [b, e).
    std::pair<torch::Tensor, torch::Tensor> batch(size_t b, size_t e) const
    {
        std::vector<semsteg::image> h, p;
        for (size_t i = b; i < e; ++i) {
            h.push_back(hosts->centered(pairs[i].first, side));
            p.push_back(privates->centered(pairs[i].second, side));
        }
        return { semsteg::images_to_tensor(h), semsteg::images_to_tensor(p) };
    }
};

//! A progress line on stderr: rewritten in place on a terminal, every 15 s otherwise.
class progress
{
public:
    void show(const std::string& what, size_t done, size_t total, const char* unit = "pairs")
    {
        const auto now = std::chrono::steady_clock::now();
        const bool last = done == total;
        if (d_tty) {
            std::cerr << "\r\033[K" << what << ": " << done << "/" << total << " " << unit
                      << (last ? "\n" : "") << std::flush;
        } else if (last || now - d_last > std::chrono::seconds(15)) {
            std::cerr << what << ": " << done << "/" << total << " " << unit << "\n"
                      << std::flush;
            d_last = now;
        }
    }

private:
    bool d_tty = isatty(STDERR_FILENO);
    std::chrono::steady_clock::time_point d_last = std::chrono::steady_clock::now();
};

semsteg::channel_config make_channel(const std::string& type, double snr_db)
{
    semsteg::channel_config c;
    c.type = type == "rayleigh" ? semsteg::channel_config::kind::rayleigh
                                : semsteg::channel_config::kind::awgn;
    c.snr_db = c.snr_max_db = snr_db;
    return c;
}

//! What the grid and --dump need from a batch.
struct batch_sink {
    std::vector<semsteg::image> grid_host, grid_private, grid_bob, grid_eve, grid_mia;
    size_t grid_pairs = 0;
    std::string dump_dir; //!< empty: no dump
};

void save_batch(const std::string& folder, const torch::Tensor& images, size_t first)
{
    if (!images.defined())
        return;
    fs::create_directories(folder);
    const auto imgs = semsteg::tensor_to_images(images);
    char name[32];
    for (size_t i = 0; i < imgs.size(); ++i) {
        std::snprintf(name, sizeof(name), "%05zu.png", first + i);
        semsteg::save_png(folder + "/" + name, imgs[i]);
    }
}

std::string snr_tag(double snr_db)
{
    std::ostringstream s;
    s << snr_db;
    return s.str();
}

table_run run_table(semsteg::secure_link_models& models,
                    const pair_data& data,
                    const semsteg::channel_config& bob,
                    const semsteg::channel_config& eve,
                    size_t batch,
                    uint64_t seed,
                    lpips_model* lpips,
                    batch_sink* sink,
                    bool first_table,
                    const semsteg::statistical_steganalyst* stats)
{
    table_run t;
    std::vector<torch::Tensor> det_plain, det_container, rx_plain, rx_container;
    t.eve_snr_db = eve.snr_db;
    // The same seed for every table: Bob's noise (drawn first) is identical across Eve SNRs.
    auto gen = at::detail::createCPUGenerator(seed);
    progress prog;
    const std::string what = "semsteg-eval: Eve SNR " + snr_tag(eve.snr_db) + " dB";
    const size_t n = data.pairs.size();
    for (size_t b = 0; b < n; b += batch) {
        const size_t e = std::min(n, b + batch);
        const auto [xh, xp] = data.batch(b, e);
        const auto r = semsteg::run_secure_link(models, xh, xp, bob, eve, gen);
        for (const auto& [out, what] :
             { std::pair { &r.baseline_bob, "the baseline codec (Bob)" },
               std::pair { &r.baseline_eve, "the baseline codec (Eve)" },
               std::pair { &r.secure_bob, "Bob's extraction" },
               std::pair { &r.secure_eve, "Eve's naive decoding of the container" },
               std::pair { &r.secure_mia, "Eve's model inversion" },
               std::pair { &r.baseline_mia, "Eve's model inversion (baseline)" },
               std::pair { &r.eve_inn_nokey, "E4 (the INN without the key)" },
               std::pair { &r.eve_extractor, "Eve's extractor" },
               std::pair { &r.detect_container, "the detector" } })
            require_finite(*out, what);

        auto& base = t.cell[row_baseline];
        score(base[obs_bob], r.baseline_bob, xp, lpips);
        score(base[obs_eve], r.baseline_eve, xp, lpips);
        auto& sp = t.cell[row_secure_private];
        score(sp[obs_bob], r.secure_bob, xp, lpips);
        score(sp[obs_eve], r.secure_eve, xp, lpips);
        auto& sh = t.cell[row_secure_host];
        score(sh[obs_eve], r.secure_eve, xh, lpips);
        if (r.eve_extractor.defined())
            score(t.cell[row_extractor][obs_eve], r.eve_extractor, xp, lpips);
        if (r.eve_inn_nokey.defined()) {
            score(t.cell[row_e4_nokey][obs_eve], r.eve_inn_nokey, xp, lpips);
            score(t.cell[row_e4_wrong_key][obs_eve], r.eve_inn_wrong_key, xp, lpips);
            score(t.cell[row_e4_flipped_bit][obs_eve], r.eve_inn_flipped_bit, xp, lpips);
            score(t.cell[row_e4_wrong_nonce][obs_eve], r.eve_inn_wrong_nonce, xp, lpips);
        }
        if (r.secure_mia.defined()) {
            score(base[obs_mia], r.baseline_mia, xp, lpips);
            score(sp[obs_mia], r.secure_mia, xp, lpips);
            score(sh[obs_mia], r.secure_mia, xh, lpips);
        }
        if (r.detect_plain.defined()) {
            // Logit > 0 says "container"; plain host latents should score below 0.
            t.det_plain_ok += static_cast<size_t>(r.detect_plain.lt(0).sum().item<int64_t>());
            t.det_container_ok
                += static_cast<size_t>(r.detect_container.gt(0).sum().item<int64_t>());
            t.det_n += static_cast<size_t>(xh.size(0));
            det_plain.push_back(r.detect_plain);
            det_container.push_back(r.detect_container);
        }
        if (stats) {
            rx_plain.push_back(r.eve_plain_rx);
            rx_container.push_back(r.eve_container_rx);
        }

        if (sink && first_table && sink->grid_pairs < 8) {
            const auto take
                = std::min<int64_t>(8 - static_cast<int64_t>(sink->grid_pairs), xh.size(0));
            auto add = [take](std::vector<semsteg::image>& dst, const torch::Tensor& src) {
                if (!src.defined())
                    return;
                for (auto& im : semsteg::tensor_to_images(src.slice(0, 0, take)))
                    dst.push_back(std::move(im));
            };
            add(sink->grid_host, xh);
            add(sink->grid_private, xp);
            add(sink->grid_bob, r.secure_bob);
            add(sink->grid_eve, r.secure_eve);
            add(sink->grid_mia, r.secure_mia);
            sink->grid_pairs += static_cast<size_t>(take);
        }
        if (sink && !sink->dump_dir.empty()) {
            const std::string& d = sink->dump_dir;
            if (first_table) { // independent of Eve's SNR (Bob's noise repeats per table)
                save_batch(d + "/host", xh, b);
                save_batch(d + "/private", xp, b);
                save_batch(d + "/bob", r.secure_bob, b);
                save_batch(d + "/baseline_bob", r.baseline_bob, b);
            }
            const std::string de = d + "/eve_snr" + snr_tag(eve.snr_db);
            save_batch(de + "/eve_naive", r.secure_eve, b);
            save_batch(de + "/eve_mia", r.secure_mia, b);
            save_batch(de + "/baseline_eve_naive", r.baseline_eve, b);
            save_batch(de + "/baseline_eve_mia", r.baseline_mia, b);
        }
        prog.show(what, e, n);
    }
    if (!det_plain.empty())
        t.det_auc = semsteg::roc_auc(torch::cat(det_plain), torch::cat(det_container));
    if (stats) {
        const auto sp = stats->score(torch::cat(rx_plain));
        const auto sc = stats->score(torch::cat(rx_container));
        t.have_stats = true;
        t.stats_accuracy = ((sp <= 0).sum().item<double>() + (sc > 0).sum().item<double>())
            / static_cast<double>(sp.size(0) + sc.size(0));
        t.stats_auc = semsteg::roc_auc(sp, sc);
    }
    return t;
}

//! One line of the SNR sweep: PSNR means at one channel SNR (Bob = Eve).
struct sweep_point {
    double snr_db = 0.0;
    size_t pairs = 0;
    stat baseline, bob, eve_private, eve_host, mia_private, mia_host;
};

std::vector<sweep_point> run_sweep(semsteg::secure_link_models models, // a copy: no detector
                                   const pair_data& data,
                                   const std::string& channel,
                                   size_t batch,
                                   uint64_t seed)
{
    models.detect.reset();
    std::vector<sweep_point> out;
    progress prog;
    for (int snr = 0; snr <= 20; snr += 2) {
        const auto ch = make_channel(channel, snr);
        auto gen = at::detail::createCPUGenerator(seed);
        std::vector<double> base, bob, ep, eh, mp, mh;
        const size_t n = data.pairs.size();
        for (size_t b = 0; b < n; b += batch) {
            const size_t e = std::min(n, b + batch);
            const auto [xh, xp] = data.batch(b, e);
            const auto r = semsteg::run_secure_link(models, xh, xp, ch, ch, gen);
            append(base, semsteg::psnr(r.baseline_bob, xp));
            append(bob, semsteg::psnr(r.secure_bob, xp));
            append(ep, semsteg::psnr(r.secure_eve, xp));
            append(eh, semsteg::psnr(r.secure_eve, xh));
            if (r.secure_mia.defined()) {
                append(mp, semsteg::psnr(r.secure_mia, xp));
                append(mh, semsteg::psnr(r.secure_mia, xh));
            }
        }
        out.push_back({ static_cast<double>(snr),
                        n,
                        summarize(base),
                        summarize(bob),
                        summarize(ep),
                        summarize(eh),
                        summarize(mp),
                        summarize(mh) });
        prog.show("semsteg-eval: SNR sweep 0-20 dB", out.size(), 11, "SNRs");
    }
    return out;
}

// ---------------------------------------------------------------- formatting

std::string fmt(double v, int digits)
{
    if (!std::isfinite(v))
        return "";
    char buf[64];
    std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
    return buf;
}

std::string fmt_stat(const stat& s, int digits)
{
    if (!s.measured())
        return not_measured;
    std::string out = fmt(s.mean, digits);
    if (std::isfinite(s.se))
        out += " ± " + fmt(s.se, digits);
    return out;
}

std::string fmt_signed_stat(const stat& s, int digits)
{
    std::string out = fmt_stat(s, digits);
    return s.measured() && s.mean >= 0 ? "+" + out : out;
}

json stat_json(const stat& s)
{
    if (!s.measured())
        return nullptr;
    return json { { "mean", s.mean },
                  { "se", std::isfinite(s.se) ? json(s.se) : json(nullptr) },
                  { "n", s.n } };
}

//! Eve's leakage per pair: her MS-SSIM to the private image minus the pair's floor.
stat leakage(const std::vector<double>& eve_ms_ssim, const std::vector<double>& floor_ms_ssim)
{
    std::vector<double> d;
    for (size_t i = 0; i < eve_ms_ssim.size(); ++i)
        d.push_back(eve_ms_ssim[i] - floor_ms_ssim[i]);
    return summarize(d);
}

stat accuracy_stat(size_t ok, size_t n)
{
    stat s;
    if (n == 0)
        return s;
    s.n = n;
    s.mean = static_cast<double>(ok) / static_cast<double>(n);
    s.se = std::sqrt(s.mean * (1.0 - s.mean) / static_cast<double>(n));
    return s;
}

std::string csv_field(const std::string& s)
{
    if (s.find_first_of(",\"\n") == std::string::npos)
        return s;
    std::string q = "\"";
    for (char c : s)
        q += c == '"' ? std::string("\"\"") : std::string(1, c);
    return q + "\"";
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

void write_file(const fs::path& path, const std::string& text)
{
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << text;
    f.close();
    if (!f)
        throw semsteg::error("cannot write '" + path.string() + "'");
}

// ---------------------------------------------------------------- inputs

struct loaded_data {
    semsteg::image_set privates;
    std::optional<semsteg::image_set> hosts; //!< empty: hosts are the private pool
    std::string private_desc, host_desc;
    const semsteg::image_set& host_set() const { return hosts ? *hosts : privates; }
};

/*!
 * Draws the pairs. Images are identified by their canonical path, so an image is never its
 * own host even when --hosts/--host-range select a pool that overlaps the private one.
 */
std::vector<std::pair<size_t, size_t>>
draw_pairs(const loaded_data& d, size_t count, uint64_t seed)
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
    for (size_t i = 0; i < d.privates.size(); ++i) {
        private_ids.push_back(id(d.privates.path(i)));
        private_index[private_ids.back()] = i;
    }
    const auto& hs = d.host_set();
    for (size_t i = 0; i < hs.size(); ++i) {
        host_ids.push_back(id(hs.path(i)));
        host_index[host_ids.back()] = i;
    }
    if (host_ids.size() == 1 && private_ids == host_ids)
        throw semsteg::error("one image in all: pairs need a host other than the private "
                             "image (give --private more images, or --hosts)");
    semsteg::pair_sampler sampler(host_ids, private_ids, seed);
    auto pairs = sampler.draw(count);
    for (auto& [h, p] : pairs) {
        h = host_index.at(h);
        p = private_index.at(p);
    }
    return pairs;
}

//! Fails unless `dir` is a folder or could be created as one; creates nothing.
void check_creatable(const std::string& dir, const char* option)
{
    std::error_code ec;
    fs::path p = fs::absolute(dir, ec);
    while (!ec && !p.empty() && !fs::exists(p, ec) && p.has_parent_path()
           && p.parent_path() != p)
        p = p.parent_path();
    if (ec || !fs::is_directory(p, ec))
        throw semsteg::error(std::string(option) + " '" + dir + "': '" + p.string()
                             + "' is not a folder");
}

//! Creates `dir` and checks that a file can be written there, before any real output.
void check_writable(const std::string& dir, const char* option)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw semsteg::error(std::string(option) + " '" + dir
                             + "' is not a folder that can be created"
                             + (ec ? " (" + ec.message() + ")" : std::string()));
    const fs::path probe = fs::path(dir) / ".semsteg-eval-write-test";
    {
        std::ofstream f(probe);
        f << "x";
        f.close();
        if (!f)
            throw semsteg::error(std::string(option) + " '" + dir + "' is not writable");
    }
    fs::remove(probe, ec);
}

// ---------------------------------------------------------------- the app

struct eval_options {
    std::string codec_path, inn_path, mia_path, detector_path, lost = "auto", lpips_path;
    std::string key_file, passphrase; //!< the key a keyed INN needs (never written out)
    std::string extractor_path; //!< Eve's E6/E7 extractor (optional)
    std::string private_dir, private_range = ":", hosts_dir, host_range;
    double crop = 1.0, host_crop = 1.0;
    bool host_crop_given = false;
    int side = 64, threads = 0;
    size_t pairs = 1000, batch = 100;
    uint64_t seed = 1;
    double bob_snr = 10.0;
    double snr_error = 0.0; //!< receivers of an SNR-adaptive codec are told SNR + this
    std::vector<double> eve_snrs { 10.0, 20.0 };
    std::string channel = "awgn", out_dir, dump_dir;
    //! E10's statistical steganalyst: fitted on pairs from this range of the private folder
    //! (never the evaluated images), one fit per Eve SNR; empty: not run
    std::string fit_range;
    size_t fit_pairs = 1000;
    double max_megapixels = semsteg::default_max_image_pixels / 1e6;
};

//! Everything the reports are written from.
struct evaluation {
    const eval_options* opt = nullptr;
    const semsteg::secure_link_models* models = nullptr;
    const loaded_data* data = nullptr;
    const pair_data* pairs = nullptr;
    scores floor; //!< each pair's host vs its private image
    std::vector<table_run> tables;
    batch_sink sink;
    std::vector<sweep_point> sweep;
    size_t sweep_pairs = 0;
    bool have_mia = false, have_det = false, have_lpips = false;
    std::string stats_fit_desc; //!< what E10's statistical steganalyst was fitted on
    int threads = 1;
    double eval_s = 0.0, total_s = 0.0;
};

void check_model_file(const std::string& path, const char* option)
{
    std::error_code ec;
    if (!path.empty() && !fs::is_regular_file(path, ec))
        throw semsteg::error(std::string(option) + " '" + path + "': no such file");
}

//! grid.png: one column per pair; rows host, private, Bob, Eve naive (, Eve MIA).
void write_grid(const batch_sink& sink, const fs::path& out)
{
    std::vector<semsteg::image> cells;
    for (auto* row : { &sink.grid_host,
                       &sink.grid_private,
                       &sink.grid_bob,
                       &sink.grid_eve,
                       &sink.grid_mia })
        cells.insert(cells.end(), row->begin(), row->end());
    semsteg::save_png((out / "grid.png").string(),
                      semsteg::tile_grid(cells, static_cast<int>(sink.grid_pairs), 2));
}

//! snr_sweep.csv and .gp, and .png when gnuplot is installed; returns a note on the plot.
std::string write_sweep(const evaluation& ev, const fs::path& out)
{
    std::ostringstream csv;
    csv << "snr_db,pairs,baseline_psnr,baseline_psnr_se,secure_bob_psnr,secure_bob_psnr_se,"
           "eve_naive_psnr_private,eve_naive_psnr_private_se,eve_naive_psnr_host,"
           "eve_naive_psnr_host_se,eve_mia_psnr_private,eve_mia_psnr_private_se,"
           "eve_mia_psnr_host,eve_mia_psnr_host_se\n";
    for (const auto& p : ev.sweep) {
        csv << fmt(p.snr_db, 0) << "," << p.pairs;
        for (const auto* s : { &p.baseline,
                               &p.bob,
                               &p.eve_private,
                               &p.eve_host,
                               &p.mia_private,
                               &p.mia_host })
            csv << "," << fmt(s->mean, 4) << "," << fmt(s->se, 4);
        csv << "\n";
    }
    write_file(out / "snr_sweep.csv", csv.str());

    // Absolute paths: the script works from any folder, and users can rerun it.
    const auto abs_out = fs::absolute(out);
    std::ostringstream gp;
    gp << "# Written by semsteg-eval; run: gnuplot snr_sweep.gp\n"
       << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
       << "    set terminal pngcairo size 1100,560 enhanced font 'sans,10'\n"
       << "} else {\n"
       << "    set terminal png size 1100,560\n"
       << "}\n"
       << "set output " << gp_quote((abs_out / "snr_sweep.png").string()) << "\n"
       << "set datafile separator ','\n"
       << "set title 'PSNR vs channel SNR (" << ev.opt->channel
       << ", Bob and Eve at the same SNR, " << ev.sweep_pairs << " pairs)'\n"
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
    if (ev.have_mia)
        gp << ", \\\n     f skip 1 using 1:11 with linespoints lw 2 dt 2 title 'secure: Eve "
              "MIA "
              "vs private', \\\n"
           << "     f skip 1 using 1:13 with linespoints lw 2 dt 2 title 'secure: Eve MIA vs "
              "host'";
    gp << "\n";
    write_file(out / "snr_sweep.gp", gp.str());

    std::string note;
    if (!fs::exists(gnuplot_path)) {
        note = std::string(gnuplot_path)
            + " not found: no snr_sweep.png (snr_sweep.csv and "
              "snr_sweep.gp written; install gnuplot to plot)";
        std::cerr << "semsteg-eval: " << note << "\n";
        return note;
    }
    std::error_code ec;
    fs::remove(out / "snr_sweep.png", ec); // a stale plot must not pass for a new one
    const std::string cmd
        = std::string(gnuplot_path) + " " + sh_quote((abs_out / "snr_sweep.gp").string());
    if (std::system(cmd.c_str()) == 0 && fs::exists(out / "snr_sweep.png"))
        return "snr_sweep.png (gnuplot)";
    note = "gnuplot failed on snr_sweep.gp: no snr_sweep.png";
    std::cerr << "semsteg-eval: warning: " << note << "\n";
    return note;
}

//! results.md (also printed), results.csv, results.json.
void write_tables(const evaluation& ev, const std::string& plot_note, const fs::path& out)
{
    const eval_options& o = *ev.opt;
    const loaded_data& data = *ev.data;
    const size_t npairs = ev.pairs->pairs.size();
    const auto floor_stats = summarize(ev.floor);
    const stat floor_ms = floor_stats.ms_ssim, floor_psnr = floor_stats.psnr;
    const std::string dash = "–";
    auto opt_json = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };

    // "auto" resolved, so a reader knows which l̂ Bob used.
    const auto& lost = ev.models->lost;
    const auto used = lost.resolved(*ev.models->stego);
    const bool estimated = used.type == semsteg::lost_part_mode::kind::estimated;
    std::string lost_text = lost.to_string();
    if (estimated)
        lost_text += " (the INN's learned estimate from the received container)";
    else if (used.type != lost.type)
        lost_text += " (" + used.to_string() + ")";

    json j;
    j["settings"] = { { "codec", o.codec_path },
                      { "inn", o.inn_path },
                      { "mia", opt_json(o.mia_path) },
                      { "detector", opt_json(o.detector_path) },
                      { "lpips", opt_json(o.lpips_path) },
                      { "lost_part", lost_text },
                      { "side", o.side },
                      { "seed", o.seed },
                      { "batch", o.batch },
                      { "channel", o.channel },
                      { "bob_snr_db", o.bob_snr },
                      { "snr_estimate_error_db", o.snr_error },
                      { "eve_snr_db", o.eve_snrs },
                      { "codec_config", ev.models->codec->config().to_json() },
                      { "inn_config", ev.models->stego->config().to_json() },
                      { "torch_threads", ev.threads } };
    j["data"] = { { "private_folder", o.private_dir },
                  { "private_range", o.private_range },
                  { "private_crop", o.crop },
                  { "private_images", data.privates.size() },
                  { "private_skipped", data.privates.skipped() },
                  { "private_skipped_files", data.privates.skipped_files() },
                  { "hosts_same_pool", !data.hosts },
                  { "host_source", data.hosts ? json(data.host_desc) : json(nullptr) },
                  { "host_crop", o.host_crop },
                  { "host_images", data.host_set().size() },
                  { "host_skipped", data.hosts ? data.hosts->skipped() : 0 },
                  { "host_skipped_files",
                    data.hosts ? data.hosts->skipped_files() : std::vector<std::string>() },
                  { "pairs", npairs } };
    j["floor"] = { { "psnr", stat_json(floor_stats.psnr) },
                   { "ssim", stat_json(floor_stats.ssim) },
                   { "ms_ssim", stat_json(floor_stats.ms_ssim) },
                   { "lpips", stat_json(floor_stats.lpips) } };

    std::ostringstream csv, md;
    csv << "eve_snr_db,bob_snr_db,channel,row,compared_to,pairs";
    for (const char* ob : obs_keys)
        for (const char* m : { "psnr", "ssim", "ms_ssim", "lpips" })
            csv << "," << ob << "_" << m << "," << ob << "_" << m << "_se";
    csv << ",eve_naive_leakage,eve_naive_leakage_se,eve_mia_leakage,eve_mia_leakage_se,"
           "detector_accuracy,detector_accuracy_se,floor_psnr,floor_psnr_se,floor_ms_ssim,"
           "floor_ms_ssim_se\n";

    auto named = [](bool have, const std::string& path) {
        return have ? "`" + path + "`" : std::string(not_measured);
    };
    md << "# semsteg-eval results\n\n"
       << "- codec `" << o.codec_path << "`, INN `" << o.inn_path << "`, Eve's MIA "
       << named(ev.have_mia, o.mia_path) << ", detector "
       << named(ev.have_det, o.detector_path) << ", LPIPS "
       << named(ev.have_lpips, o.lpips_path) << "; Bob fills the lost part with " << lost_text
       << "\n"
       << "- private images: " << data.private_desc << ": " << data.privates.size()
       << " read, " << data.privates.skipped() << " unreadable skipped\n"
       << "- hosts: "
       << (data.hosts ? data.host_desc + ": " + std::to_string(data.hosts->size()) + " read, "
                   + std::to_string(data.hosts->skipped()) + " unreadable skipped"
                      : std::string("the private pool (an image is never its own host)"))
       << "\n"
       << "- " << npairs << " random (host, private) pairs, seed " << o.seed << ", " << o.side
       << "×" << o.side << ", channel " << o.channel << ", Bob SNR " << snr_tag(o.bob_snr)
       << " dB\n"
       << "- values: mean ± standard error over pairs; PSNR in dB; SSIM and MS-SSIM as "
          "defined "
          "in lib/include/semsteg/metrics.h ("
       << semsteg::ms_ssim_scales(o.side) << "-scale MS-SSIM at " << o.side << " px)\n";

    // The extractor's row says which attack its file is.
    auto row_name = [&](int r) -> std::string {
        if (r != row_extractor)
            return row_names[r];
        const auto& c = ev.models->extractor_cfg;
        return c.attack == "e7"
            ? "E7 extractor, " + std::to_string(c.known_pairs) + " known pairs (private)"
            : std::string("E6 extractor, keys of Eve's own (private)");
    };
    j["tables"] = json::array();
    for (const auto& t : ev.tables) {
        const auto det = accuracy_stat(t.det_plain_ok + t.det_container_ok, 2 * t.det_n);
        // Leakage on one scale for the secure system and the unprotected baseline (the
        // threat).
        std::array<stat, n_rows> leak_naive, leak_mia;
        for (int r = 0; r < n_rows; ++r) {
            if (r == row_secure_host)
                continue;
            leak_naive[r] = leakage(t.cell[r][obs_eve].ms_ssim, ev.floor.ms_ssim);
            leak_mia[r] = leakage(t.cell[r][obs_mia].ms_ssim, ev.floor.ms_ssim);
        }
        json jt { { "eve_snr_db", t.eve_snr_db },
                  { "bob_snr_db", o.bob_snr },
                  { "rows", json::array() },
                  { "detector",
                    ev.have_det
                        ? json { { "accuracy", stat_json(det) },
                                 { "plain_called_plain", t.det_plain_ok },
                                 { "containers_called_containers", t.det_container_ok },
                                 { "signals_each", t.det_n },
                                 { "roc_auc", t.det_auc } }
                        : json(nullptr) },
                  { "statistical_steganalyst",
                    t.have_stats ? json { { "accuracy", t.stats_accuracy },
                                          { "roc_auc", t.stats_auc },
                                          { "fitted_on", ev.stats_fit_desc } }
                                 : json(nullptr) } };

        md << "\n## Eve SNR " << snr_tag(t.eve_snr_db) << " dB (Bob " << snr_tag(o.bob_snr)
           << " dB, " << o.channel << ", " << npairs << " pairs)\n\n"
           << "| system (compared to) | Bob PSNR | Bob SSIM | Bob MS-SSIM |"
           << (ev.have_lpips ? " Bob LPIPS |" : "")
           << " Eve naive (E4: the row's attack) PSNR | Eve MS-SSIM |"
           << (ev.have_lpips ? " Eve LPIPS |" : "") << " Eve MIA PSNR | Eve MIA MS-SSIM |"
           << (ev.have_lpips ? " Eve MIA LPIPS |" : " LPIPS |") << " detector accuracy |\n"
           << "|---|---|---|---|" << (ev.have_lpips ? "---|" : "") << "---|---|"
           << (ev.have_lpips ? "---|" : "") << "---|---|---|---|\n";

        for (int r = 0; r < n_rows; ++r) {
            if (is_e4(r) && t.cell[r][obs_eve].ms_ssim.empty())
                continue; // a keyless INN: no E4 rows
            std::array<score_stats, n_obs> st;
            for (int ob = 0; ob < n_obs; ++ob)
                st[ob] = summarize(t.cell[r][ob]);
            // Bob is not after the host, and not in Eve's attacks.
            const bool bob_applies = r != row_secure_host && !is_e4(r);
            const bool det_applies = r == row_secure_private || r == row_secure_host;
            const bool leak_applies = r != row_secure_host;

            json jr { { "name", row_name(r) },
                      { "key", row_keys[r] },
                      { "compared_to", row_refs[r] } };
            for (int ob = 0; ob < n_obs; ++ob) {
                const bool applies = ob != obs_bob || bob_applies;
                const char* key = is_e4(r) && ob == obs_eve ? "eve_inn" : obs_keys[ob];
                jr[key] = applies && st[ob].psnr.measured()
                    ? json { { "psnr", stat_json(st[ob].psnr) },
                             { "ssim", stat_json(st[ob].ssim) },
                             { "ms_ssim", stat_json(st[ob].ms_ssim) },
                             { "lpips", stat_json(st[ob].lpips) } }
                    : json(nullptr);
            }
            jr["leakage_ms_ssim_above_floor"] = leak_applies
                ? json { { "eve_naive", stat_json(leak_naive[r]) },
                         { "eve_mia", stat_json(leak_mia[r]) } }
                : json(nullptr);
            jr["detector_accuracy"] = det_applies ? stat_json(det) : json(nullptr);
            jt["rows"].push_back(jr);

            csv << snr_tag(t.eve_snr_db) << "," << snr_tag(o.bob_snr) << "," << o.channel
                << "," << csv_field(row_name(r)) << "," << row_refs[r] << "," << npairs;
            for (int ob = 0; ob < n_obs; ++ob) {
                const bool applies = ob != obs_bob || bob_applies;
                for (const auto* s :
                     { &st[ob].psnr, &st[ob].ssim, &st[ob].ms_ssim, &st[ob].lpips })
                    csv << "," << (applies ? fmt(s->mean, 5) : "") << ","
                        << (applies ? fmt(s->se, 5) : "");
            }
            for (const auto* s : { &leak_naive[r], &leak_mia[r] })
                csv << "," << fmt(s->mean, 5) << "," << fmt(s->se, 5);
            csv << "," << (det_applies ? fmt(det.mean, 5) : "") << ","
                << (det_applies ? fmt(det.se, 5) : "") << "," << fmt(floor_psnr.mean, 5)
                << "," << fmt(floor_psnr.se, 5) << "," << fmt(floor_ms.mean, 5) << ","
                << fmt(floor_ms.se, 5) << "\n";

            auto bob = [&](const stat& s, int digits) {
                return bob_applies ? fmt_stat(s, digits) : dash;
            };
            md << "| " << row_name(r) << " | " << bob(st[obs_bob].psnr, 2) << " | "
               << bob(st[obs_bob].ssim, 3) << " | " << bob(st[obs_bob].ms_ssim, 3) << " | ";
            if (ev.have_lpips)
                md << bob(st[obs_bob].lpips, 3) << " | ";
            md << fmt_stat(st[obs_eve].psnr, 2) << " | " << fmt_stat(st[obs_eve].ms_ssim, 3)
               << " | ";
            if (ev.have_lpips)
                md << fmt_stat(st[obs_eve].lpips, 3) << " | ";
            md << fmt_stat(st[obs_mia].psnr, 2) << " | " << fmt_stat(st[obs_mia].ms_ssim, 3)
               << " | " << (ev.have_lpips ? fmt_stat(st[obs_mia].lpips, 3) : not_measured)
               << " | "
               << (!det_applies      ? dash
                       : ev.have_det ? fmt_stat(det, 3)
                                     : not_measured)
               << " |\n";
        }

        md << "\n- floor (each pair's host vs its private image): MS-SSIM "
           << fmt_stat(floor_ms, 3) << ", PSNR " << fmt_stat(floor_psnr, 2) << " dB";
        if (ev.have_lpips)
            md << ", LPIPS " << fmt_stat(floor_stats.lpips, 3);
        md << "\n- Eve's leakage (MS-SSIM to the private image − floor): secure naive "
           << fmt_signed_stat(leak_naive[row_secure_private], 3) << ", secure MIA "
           << (ev.have_mia ? fmt_signed_stat(leak_mia[row_secure_private], 3)
                           : std::string(not_measured))
           << " (unprotected DeepJSCC, naive: "
           << fmt_signed_stat(leak_naive[row_baseline], 3) << ")\n";
        if (ev.have_det)
            md << "- detector: " << t.det_plain_ok << "/" << t.det_n
               << " plain host signals called plain, " << t.det_container_ok << "/" << t.det_n
               << " containers called containers (threshold 0 on the logit, set in "
                  "training; 0.5 = undetectable); ROC AUC "
               << fmt(t.det_auc, 3) << "\n";
        if (t.have_stats)
            md << "- statistical steganalyst (E10: per-channel moments and spectra, "
                  "logistic regression fitted on "
               << ev.stats_fit_desc << " at this SNR, containers under a key of its own): "
               << "accuracy " << fmt(t.stats_accuracy, 3) << ", ROC AUC "
               << fmt(t.stats_auc, 3) << "\n";
        j["tables"].push_back(jt);
    }

    json js = json::array();
    for (const auto& p : ev.sweep)
        js.push_back({ { "snr_db", p.snr_db },
                       { "pairs", p.pairs },
                       { "baseline_psnr", stat_json(p.baseline) },
                       { "secure_bob_psnr", stat_json(p.bob) },
                       { "eve_naive_psnr_private", stat_json(p.eve_private) },
                       { "eve_naive_psnr_host", stat_json(p.eve_host) },
                       { "eve_mia_psnr_private", stat_json(p.mia_private) },
                       { "eve_mia_psnr_host", stat_json(p.mia_host) } });
    j["snr_sweep"] = js;
    j["seconds"] = ev.total_s;

    md << "\n## Files\n\n"
       << "- `grid.png`: columns are pairs 0–" << ev.sink.grid_pairs - 1
       << "; rows host, private, Bob (secure), Eve naive" << (ev.have_mia ? ", Eve MIA" : "")
       << " (Eve SNR " << snr_tag(o.eve_snrs[0]) << " dB)\n"
       << "- `snr_sweep.csv`: PSNR vs channel SNR 0–20 dB (Bob = Eve) on " << ev.sweep_pairs
       << " pairs; plot: " << plot_note << "\n"
       << "- `results.csv`, `results.json`: these tables with standard errors\n";
    if (!o.dump_dir.empty())
        md << "- every reconstruction as PNG under `" << o.dump_dir
           << "` (file name = pair index; pairs.csv names the images)\n";
    md << "\nEvaluated in " << fmt(ev.eval_s, 0) << " s (" << fmt(ev.total_s, 0)
       << " s with the sweep); torch threads: " << ev.threads << ".\n";

    write_file(out / "results.csv", csv.str());
    write_file(out / "results.json", j.dump(2) + "\n");
    write_file(out / "results.md", md.str());
    std::cout << md.str() << std::flush;
}

/*!
 * E10's statistical steganalysts, one per Eve SNR: fitted on received plain host latents
 * and received containers of pairs from --steganalysis-fit-range (never an evaluated image),
 * made with Alice's INN under a key of the steganalyst's own (a keyed INN's containers have
 * the same distribution under any key). Empty when not asked for.
 */
std::vector<semsteg::statistical_steganalyst>
fit_steganalysts(const eval_options& o,
                 const semsteg::secure_link_models& models,
                 const loaded_data& evaluated,
                 const semsteg::image_set::options& private_opts)
{
    std::vector<semsteg::statistical_steganalyst> out;
    if (o.fit_range.empty())
        return out;
    loaded_data fit { semsteg::image_set::from_folder(
                          o.private_dir, private_opts, o.fit_range),
                      std::nullopt,
                      "",
                      "" };
    std::unordered_map<std::string, bool> evaluated_paths;
    for (const auto* set : { &evaluated.privates, &evaluated.host_set() })
        for (size_t i = 0; i < set->size(); ++i)
            evaluated_paths[fs::weakly_canonical(set->path(i)).string()] = true;
    for (size_t i = 0; i < fit.privates.size(); ++i)
        if (evaluated_paths.count(fs::weakly_canonical(fit.privates.path(i)).string()))
            throw semsteg::error("--steganalysis-fit-range " + o.fit_range + " includes '"
                                 + fit.privates.path(i)
                                 + "', an evaluated image: fit on images kept apart");
    if (fit.privates.size() < 2)
        throw semsteg::error("--steganalysis-fit-range " + o.fit_range
                             + ": at least two readable images are needed");
    pair_data fit_pairs;
    fit_pairs.privates = fit_pairs.hosts = &fit.privates;
    fit_pairs.side = o.side;
    fit_pairs.pairs = draw_pairs(fit, o.fit_pairs, o.seed + 17);

    auto steganalyst_models = models;
    steganalyst_models.detect.reset();
    steganalyst_models.mia.reset();
    steganalyst_models.extractor.reset();
    steganalyst_models.keep_received = true;
    steganalyst_models.nonces = std::make_shared<semsteg::nonce_source>();
    steganalyst_models.snr_estimate_error_db = 0;
    if (models.key) {
        std::mt19937_64 rng(o.seed + 0x5e9a);
        steganalyst_models.key = semsteg::seeded_key(rng);
    }
    for (size_t k = 0; k < o.eve_snrs.size(); ++k) {
        const auto ch = make_channel(o.channel, o.eve_snrs[k]);
        auto gen = at::detail::createCPUGenerator(o.seed + 1000 + k);
        std::vector<torch::Tensor> plain, containers;
        progress prog;
        for (size_t b = 0; b < fit_pairs.pairs.size(); b += o.batch) {
            const size_t e = std::min(fit_pairs.pairs.size(), b + o.batch);
            const auto [xh, xp] = fit_pairs.batch(b, e);
            const auto r = semsteg::run_secure_link(steganalyst_models, xh, xp, ch, ch, gen);
            plain.push_back(r.eve_plain_rx);
            containers.push_back(r.eve_container_rx);
            prog.show("semsteg-eval: fitting the statistical steganalyst at Eve SNR "
                          + snr_tag(o.eve_snrs[k]) + " dB",
                      e,
                      fit_pairs.pairs.size());
        }
        out.emplace_back();
        out.back().fit(torch::cat(plain), torch::cat(containers));
    }
    return out;
}

int run(eval_options& o)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (o.side < 12 || o.side % 4 != 0)
        throw semsteg::error("--side " + std::to_string(o.side)
                             + ": expected a multiple of 4, at least 12");
    if (o.eve_snrs.empty())
        throw semsteg::error("--eve-snr: expected at least one SNR");
    evaluation ev;
    ev.opt = &o;
    ev.threads = semsteg::set_torch_threads(o.threads);
    semsteg::set_max_image_pixels(static_cast<uint64_t>(o.max_megapixels * 1e6));
    torch::NoGradGuard no_grad;

    // 1. Models and data, all checked before anything is written.
    check_model_file(o.codec_path, "--codec");
    check_model_file(o.inn_path, "--inn");
    check_model_file(o.mia_path, "--mia");
    check_model_file(o.detector_path, "--detector");
    check_model_file(o.lpips_path, "--lpips");
    auto models = semsteg::secure_link_models::load(
        o.codec_path,
        o.inn_path,
        o.mia_path,
        o.detector_path,
        o.lost,
        semsteg::load_key(o.key_file, o.passphrase, [](const std::string& warning) {
            std::cerr << "semsteg-eval: warning: " << warning << "\n";
        }));
    models.snr_estimate_error_db = o.snr_error;
    check_model_file(o.extractor_path, "--eve-extractor");
    if (!o.extractor_path.empty()) {
        models.extractor = semsteg::load_extractor(o.extractor_path, &models.extractor_cfg);
        if (models.extractor_cfg.channels != models.stego->config().channels)
            throw semsteg::error("--eve-extractor '" + o.extractor_path + "' reads "
                                 + std::to_string(models.extractor_cfg.channels)
                                 + "-channel latents; the INN's have "
                                 + std::to_string(models.stego->config().channels));
    }
    std::optional<lpips_model> lpips;
    if (!o.lpips_path.empty())
        lpips.emplace(o.lpips_path);
    lpips_model* lp = lpips ? &*lpips : nullptr;

    semsteg::image_set::options private_opts;
    private_opts.crop_fraction = o.crop;
    private_opts.max_side = 4 * o.side; // as semsteg-train's validation images
    loaded_data data { semsteg::image_set::from_folder(
                           o.private_dir, private_opts, o.private_range),
                       std::nullopt,
                       o.private_dir + " [" + o.private_range + "], crop " + fmt(o.crop, 4),
                       "" };
    const bool same_pool = o.hosts_dir.empty() && o.host_range.empty()
        && (!o.host_crop_given || o.host_crop == o.crop);
    if (same_pool) {
        o.host_crop = o.crop;
    } else {
        if (!o.host_crop_given)
            o.host_crop = o.hosts_dir.empty() ? o.crop : 1.0;
        semsteg::image_set::options host_opts = private_opts;
        host_opts.crop_fraction = o.host_crop;
        const std::string dir = o.hosts_dir.empty() ? o.private_dir : o.hosts_dir;
        const std::string range = !o.host_range.empty() ? o.host_range
            : o.hosts_dir.empty()                       ? o.private_range
                                                        : ":";
        data.hosts = semsteg::image_set::from_folder(dir, host_opts, range);
        data.host_desc = dir + " [" + range + "], crop " + fmt(o.host_crop, 4);
    }
    for (const auto* set : { &data.privates, data.hosts ? &*data.hosts : nullptr }) {
        if (!set)
            continue;
        for (size_t i = 0; i < set->skipped_files().size() && i < 5; ++i)
            std::cerr << "semsteg-eval: skipped unreadable image '" << set->skipped_files()[i]
                      << "'\n";
        if (set->skipped() > 5)
            std::cerr << "semsteg-eval: ... and " << set->skipped() - 5
                      << " more unreadable images\n";
    }

    pair_data pd;
    pd.privates = &data.privates;
    pd.hosts = &data.host_set();
    pd.side = o.side;
    pd.pairs = draw_pairs(data, o.pairs, o.seed);

    // A dry run on two pairs catches codec/MIA/detector/LPIPS mismatches (channel counts,
    // sizes) while nothing has been written yet.
    {
        const auto [xh, xp] = pd.batch(0, std::min<size_t>(2, pd.pairs.size()));
        auto gen = at::detail::createCPUGenerator(o.seed);
        try {
            const auto ch = make_channel(o.channel, o.bob_snr);
            const auto r = semsteg::run_secure_link(models, xh, xp, ch, ch, gen);
            semsteg::ms_ssim(r.secure_bob, xp);
            if (r.secure_mia.defined())
                semsteg::ms_ssim(r.secure_mia, xp);
        } catch (const semsteg::error&) {
            throw;
        } catch (const std::exception& e) {
            const std::string w = e.what();
            throw semsteg::error(
                "the models do not work together at side " + std::to_string(o.side)
                + " (codec '" + o.codec_path + "', INN '" + o.inn_path + "'"
                + (o.mia_path.empty() ? "" : ", MIA '" + o.mia_path + "'")
                + (o.detector_path.empty() ? "" : ", detector '" + o.detector_path + "'")
                + "): " + w.substr(0, w.find('\n')));
        }
        if (lp)
            lp->distance(xh, xp);
    }

    // 2. Outputs: only now is anything created.
    check_creatable(o.out_dir, "--out");
    if (!o.dump_dir.empty())
        check_creatable(o.dump_dir, "--dump");
    check_writable(o.out_dir, "--out");
    if (!o.dump_dir.empty())
        check_writable(o.dump_dir, "--dump");

    std::cerr << "semsteg-eval: " << pd.pairs.size() << " pairs from " << data.privates.size()
              << " private images (" << data.privates.skipped() << " unreadable skipped)";
    if (data.hosts)
        std::cerr << " and " << data.hosts->size() << " hosts (" << data.hosts->skipped()
                  << " skipped)";
    std::cerr << "; torch threads: " << ev.threads << "\n";

    // The floor: what Eve scores against the private image if she decodes the host perfectly.
    for (size_t b = 0; b < pd.pairs.size(); b += o.batch) {
        const auto [xh, xp] = pd.batch(b, std::min(pd.pairs.size(), b + o.batch));
        score(ev.floor, xh, xp, lp);
    }
    const auto bob_ch = make_channel(o.channel, o.bob_snr);
    ev.sink.dump_dir = o.dump_dir;
    const auto steganalysts = fit_steganalysts(o, models, data, private_opts);
    ev.stats_fit_desc = steganalysts.empty() ? ""
                                             : std::to_string(o.fit_pairs) + " pairs of "
            + o.private_dir + " [" + o.fit_range + "]";
    models.keep_received = !steganalysts.empty();
    for (size_t k = 0; k < o.eve_snrs.size(); ++k)
        ev.tables.push_back(run_table(models,
                                      pd,
                                      bob_ch,
                                      make_channel(o.channel, o.eve_snrs[k]),
                                      o.batch,
                                      o.seed,
                                      lp,
                                      &ev.sink,
                                      k == 0,
                                      steganalysts.empty() ? nullptr : &steganalysts[k]));
    models.keep_received = false;
    ev.eval_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    pair_data sweep_data = pd;
    sweep_data.pairs.resize(std::min<size_t>(200, pd.pairs.size()));
    ev.sweep = run_sweep(models, sweep_data, o.channel, o.batch, o.seed);
    ev.sweep_pairs = sweep_data.pairs.size();
    ev.total_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // 3. Files.
    ev.models = &models;
    ev.data = &data;
    ev.pairs = &pd;
    ev.have_mia = models.mia.has_value();
    ev.have_det = models.detect.has_value();
    ev.have_lpips = lp != nullptr;
    const fs::path out(o.out_dir);
    write_grid(ev.sink, out);
    const std::string plot_note = write_sweep(ev, out);
    if (!o.dump_dir.empty()) {
        std::ostringstream pairs_csv;
        pairs_csv << "pair,host,private\n";
        for (size_t i = 0; i < pd.pairs.size(); ++i)
            pairs_csv << i << "," << csv_field(pd.hosts->path(pd.pairs[i].first)) << ","
                      << csv_field(pd.privates->path(pd.pairs[i].second)) << "\n";
        write_file(fs::path(o.dump_dir) / "pairs.csv", pairs_csv.str());
    }
    write_tables(ev, plot_note, out);
    return 0;
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app { "gr-semsteg evaluation: Bob vs Eve on random (host, private) image pairs, "
                   "the unprotected DeepJSCC baseline vs the secure system" };
    app.option_defaults()->always_capture_default();
    eval_options o;
    app.add_option("--codec", o.codec_path, "DeepJSCC codec model file (kind jscc)")
        ->required();
    app.add_option("--inn", o.inn_path, "steganography INN model file (kind inn)")
        ->required();
    app.add_option("--mia",
                   o.mia_path,
                   "Eve's inverse network (kind eve-mia); without it the "
                   "MIA columns say 'not measured'");
    app.add_option("--detector", o.detector_path, "Eve's detector (kind eve-detector)");
    app.add_option("--eve-extractor",
                   o.extractor_path,
                   "Eve's extractor (kind eve-extractor, semsteg-train eve-extractor): E6 or "
                   "E7, a row of its own");
    app.add_option("--key-file",
                   o.key_file,
                   "keyed INN: the key Alice and Bob share (a file from semsteg-keygen); the "
                   "E4 rows (Eve with the INN but not the key) are added");
    app.add_option(
        "--passphrase",
        o.passphrase,
        "keyed INN: the shared passphrase instead of a key file (other local users "
        "can read a command line: prefer --key-file)");
    app.add_option("--lost",
                   o.lost,
                   "how Bob fills the lost part: auto (the INN's estimator if it "
                   "has one, else zeros) | zeros | constant:V | gaussian:STD[:SEED] | "
                   "estimated");
    app.add_option("--lpips",
                   o.lpips_path,
                   "TorchScript LPIPS model, called as model(x, y) on "
                   "[-1,1] images, returning one distance per image");
    app.add_option("--private",
                   o.private_dir,
                   "folder of private images (e.g. validation "
                   "faces)")
        ->required();
    app.add_option(
        "--private-range", o.private_range, "BEGIN:END of the sorted private files");
    app.add_option("--hosts",
                   o.hosts_dir,
                   "folder of host images (default: the private "
                   "folder; an image is never its own host)");
    app.add_option("--host-range",
                   o.host_range,
                   "BEGIN:END of the sorted host files "
                   "(default: the private range, or all of "
                   "--hosts)");
    app.add_option("--crop",
                   o.crop,
                   "centre-square crop fraction of the private images "
                   "(CelebA 89x109: 0.9888)")
        ->check(CLI::Range(0.01, 1.0));
    auto* host_crop = app.add_option("--host-crop",
                                     o.host_crop,
                                     "crop fraction of the hosts "
                                     "(default: --crop without "
                                     "--hosts, else 1)")
                          ->check(CLI::Range(0.01, 1.0));
    app.add_option("--side", o.side, "model image side (a multiple of 4, at least 12)");
    app.add_option("--pairs", o.pairs, "number of (host, private) pairs")
        ->check(CLI::Range(size_t { 1 }, size_t { 100000000 }));
    app.add_option("--seed", o.seed, "seed of the pair draw and the channel noise");
    app.add_option("--batch", o.batch, "pairs per batch")
        ->check(CLI::Range(size_t { 1 }, size_t { 100000 }));
    app.add_option("--threads", o.threads, "torch threads (0: one per core)");
    app.add_option("--bob-snr", o.bob_snr, "Bob's channel SNR in dB");
    app.add_option("--snr-error",
                   o.snr_error,
                   "an SNR-adaptive codec's receivers are told their SNR plus this many dB "
                   "(a biased estimate: the mismatch sweep); a plain codec ignores it");
    app.add_option("--eve-snr",
                   o.eve_snrs,
                   "Eve's channel SNRs in dB, comma-separated (one "
                   "table each)")
        ->delimiter(',');
    app.add_option("--channel", o.channel, "channel model: awgn | rayleigh")
        ->check(CLI::IsMember({ "awgn", "rayleigh" }));
    app.add_option("--steganalysis-fit-range",
                   o.fit_range,
                   "E10: fit a statistical steganalyst (moments, spectra) on pairs from this "
                   "BEGIN:END of the private folder (disjoint from the evaluated images)");
    app.add_option("--steganalysis-fit-pairs", o.fit_pairs, "E10: pairs to fit it on")
        ->check(CLI::Range(size_t { 2 }, size_t { 1000000 }));
    app.add_option("--out", o.out_dir, "output folder (created)")->required();
    app.add_option("--dump", o.dump_dir, "also write every reconstruction as PNG here");
    app.add_option("--max-megapixels",
                   o.max_megapixels,
                   "largest image decoded (width × height, in megapixels); larger files are "
                   "refused from their header")
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    o.host_crop_given = host_crop->count() > 0;

    try {
        return run(o);
    } catch (const std::exception& e) {
        // torch's messages carry a C++ backtrace after the first line.
        const std::string w = e.what();
        std::cerr << "semsteg-eval: error: " << w.substr(0, w.find('\n')) << "\n";
        return 1;
    }
}
