/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-eval: the reference experiment (Bob vs Eve) on random (host, private) pairs; writes
// the table (Markdown, CSV, JSON), the floor and Eve's leakage, a visual grid and an SNR sweep.
// Every reconstruction comes from semsteg::run_secure_link, every score from metrics.h.

#include <semsteg/dataset.h>
#include <semsteg/error.h>
#include <semsteg/image.h>
#include <semsteg/metrics.h>
#include <semsteg/secure_link.h>
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
        s.se = std::sqrt(ss / static_cast<double>(v.size() - 1) / static_cast<double>(v.size()));
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
            throw semsteg::error("LPIPS model '" + path +
                                 "' is not a loadable TorchScript file: " + first_line(e.what()));
        }
        d_module.eval();
    }

    torch::Tensor distance(const torch::Tensor& a, const torch::Tensor& b)
    {
        std::vector<torch::jit::IValue> in{ a * 2.0 - 1.0, b * 2.0 - 1.0 };
        torch::Tensor d;
        try {
            d = d_module.forward(in).toTensor();
        } catch (const std::exception& e) {
            throw semsteg::error("LPIPS model '" + d_path + "' failed on a [" +
                                 std::to_string(a.size(0)) + ",3," + std::to_string(a.size(2)) +
                                 "," + std::to_string(a.size(3)) +
                                 "] batch: " + first_line(e.what()));
        }
        if (d.numel() != a.size(0))
            throw semsteg::error("LPIPS model '" + d_path + "' returned " +
                                 std::to_string(d.numel()) + " values for " +
                                 std::to_string(a.size(0)) + " image pairs (expected one each)");
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

// ---------------------------------------------------------------- the experiment

//! The table's rows and observers (Bob, Eve naive, Eve MIA).
enum row_id { row_baseline, row_secure_private, row_secure_host, n_rows };
enum obs_id { obs_bob, obs_eve, obs_mia, n_obs };
const std::array<const char*, n_rows> row_names = { "DeepJSCC (private)",
                                                    "Secure (private)",
                                                    "Secure (host)" };
const std::array<const char*, n_rows> row_keys = { "deepjscc_private",
                                                   "secure_private",
                                                   "secure_host" };
const std::array<const char*, n_rows> row_refs = { "private", "private", "host" };
const std::array<const char*, n_obs> obs_keys = { "bob", "eve_naive", "eve_mia" };

//! One table: every pair at Bob's and one Eve SNR.
struct table_run {
    double eve_snr_db = 0.0;
    std::array<std::array<scores, n_obs>, n_rows> cell;
    std::vector<double> leak_naive, leak_mia; //!< per pair: Eve MS-SSIM to private − floor
    size_t det_plain_ok = 0, det_container_ok = 0, det_n = 0;
};

struct pair_data {
    const semsteg::image_set* hosts = nullptr;
    const semsteg::image_set* privates = nullptr;
    std::vector<std::pair<size_t, size_t>> pairs; //!< (host index, private index) in their sets
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
    void show(const std::string& what, size_t done, size_t total)
    {
        const auto now = std::chrono::steady_clock::now();
        const bool last = done == total;
        if (d_tty) {
            std::cerr << "\r\033[K" << what << ": " << done << "/" << total << " pairs"
                      << (last ? "\n" : "") << std::flush;
        } else if (last || now - d_last > std::chrono::seconds(15)) {
            std::cerr << what << ": " << done << "/" << total << " pairs\n" << std::flush;
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
                    const std::vector<double>& floor_ms_ssim,
                    const semsteg::channel_config& bob,
                    const semsteg::channel_config& eve,
                    size_t batch,
                    uint64_t seed,
                    lpips_model* lpips,
                    batch_sink* sink,
                    bool dump_shared)
{
    table_run t;
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

        auto& base = t.cell[row_baseline];
        score(base[obs_bob], r.baseline_bob, xp, lpips);
        score(base[obs_eve], r.baseline_eve, xp, lpips);
        auto& sp = t.cell[row_secure_private];
        score(sp[obs_bob], r.secure_bob, xp, lpips);
        score(sp[obs_eve], r.secure_eve, xp, lpips);
        auto& sh = t.cell[row_secure_host];
        score(sh[obs_eve], r.secure_eve, xh, lpips);
        if (r.secure_mia.defined()) {
            score(base[obs_mia], r.baseline_mia, xp, lpips);
            score(sp[obs_mia], r.secure_mia, xp, lpips);
            score(sh[obs_mia], r.secure_mia, xh, lpips);
        }
        if (r.detect_plain.defined()) {
            // Logit > 0 says "container"; plain host latents should score below 0.
            t.det_plain_ok += static_cast<size_t>(r.detect_plain.lt(0).sum().item<int64_t>());
            t.det_container_ok +=
                static_cast<size_t>(r.detect_container.gt(0).sum().item<int64_t>());
            t.det_n += static_cast<size_t>(xh.size(0));
        }

        if (sink && sink->grid_pairs < 8) {
            const auto take = std::min<int64_t>(8 - static_cast<int64_t>(sink->grid_pairs),
                                                xh.size(0));
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
            if (dump_shared) { // independent of Eve's SNR (Bob's noise repeats per table)
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
    const auto& eve_ms = t.cell[row_secure_private][obs_eve].ms_ssim;
    const auto& mia_ms = t.cell[row_secure_private][obs_mia].ms_ssim;
    for (size_t i = 0; i < eve_ms.size(); ++i)
        t.leak_naive.push_back(eve_ms[i] - floor_ms_ssim[i]);
    for (size_t i = 0; i < mia_ms.size(); ++i)
        t.leak_mia.push_back(mia_ms[i] - floor_ms_ssim[i]);
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
            prog.show("semsteg-eval: SNR sweep " + std::to_string(snr) + " dB", e, n);
        }
        out.push_back({ static_cast<double>(snr),
                        n,
                        summarize(base),
                        summarize(bob),
                        summarize(ep),
                        summarize(eh),
                        summarize(mp),
                        summarize(mh) });
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
    return json{ { "mean", s.mean },
                 { "se", std::isfinite(s.se) ? json(s.se) : json(nullptr) },
                 { "n", s.n } };
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
    semsteg::pair_sampler sampler(host_ids, private_ids, seed);
    auto pairs = sampler.draw(count);
    for (auto& [h, p] : pairs) {
        h = host_index.at(h);
        p = private_index.at(p);
    }
    return pairs;
}

//! Creates `dir` and checks that a file can be written there, before any real output.
void check_writable(const std::string& dir, const char* option)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir))
        throw semsteg::error(std::string(option) + " '" + dir +
                             "' is not a folder that can be created" +
                             (ec ? " (" + ec.message() + ")" : std::string()));
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

} // namespace

int main(int argc, char** argv)
{
    CLI::App app{ "gr-semsteg evaluation: Bob vs Eve on random (host, private) image pairs, "
                  "baseline DeepJSCC vs the secure system" };
    std::string codec_path, inn_path, mia_path, detector_path, lost = "zeros", lpips_path;
    std::string private_dir, private_range = ":", hosts_dir, host_range;
    double crop = 1.0, host_crop = 1.0;
    int side = 64, threads = 0;
    size_t npairs = 1000, batch = 100;
    uint64_t seed = 1;
    double bob_snr = 10.0;
    std::vector<double> eve_snrs{ 10.0, 20.0 };
    std::string channel = "awgn", out_dir, dump_dir;

    app.add_option("--codec", codec_path, "DeepJSCC codec model file (kind jscc)")->required();
    app.add_option("--inn", inn_path, "steganography INN model file (kind inn)")->required();
    app.add_option("--mia", mia_path, "Eve's inverse network (kind eve-mia); without it the "
                                      "MIA columns say 'not measured'");
    app.add_option("--detector", detector_path, "Eve's detector (kind eve-detector)");
    app.add_option("--lost", lost, "how Bob fills the lost part: zeros | constant:V | "
                                   "gaussian:STD[:SEED]");
    app.add_option("--lpips", lpips_path, "TorchScript LPIPS model, called as model(x, y) on "
                                          "[-1,1] images, returning one distance per image");
    app.add_option("--private", private_dir, "folder of private images (e.g. validation faces)")
        ->required();
    app.add_option("--private-range", private_range, "BEGIN:END of the sorted private files");
    app.add_option("--hosts", hosts_dir, "folder of host images (default: the private folder; "
                                         "an image is never its own host)");
    app.add_option("--host-range", host_range, "BEGIN:END of the sorted host files (default: "
                                               "the private range, or all of --hosts)");
    app.add_option("--crop", crop, "centre-square crop fraction of the private images "
                                   "(CelebA 89x109: 0.9888)")
        ->check(CLI::Range(0.01, 1.0));
    auto* host_crop_opt =
        app.add_option("--host-crop", host_crop, "crop fraction of the hosts (default: --crop "
                                                 "without --hosts, else 1)")
            ->check(CLI::Range(0.01, 1.0));
    app.add_option("--side", side, "model image side (a multiple of 4, at least 12)");
    app.add_option("--pairs", npairs, "number of (host, private) pairs")
        ->check(CLI::PositiveNumber);
    app.add_option("--seed", seed, "seed of the pair draw and the channel noise");
    app.add_option("--batch", batch, "pairs per batch")->check(CLI::PositiveNumber);
    app.add_option("--threads", threads, "torch threads (0: one per core)");
    app.add_option("--bob-snr", bob_snr, "Bob's channel SNR in dB");
    app.add_option("--eve-snr", eve_snrs, "Eve's channel SNRs in dB, comma-separated "
                                          "(one table each)")
        ->delimiter(',');
    app.add_option("--channel", channel, "channel model: awgn | rayleigh")
        ->check(CLI::IsMember({ "awgn", "rayleigh" }));
    app.add_option("--out", out_dir, "output folder (created)")->required();
    app.add_option("--dump", dump_dir, "also write every reconstruction as PNG here");
    CLI11_PARSE(app, argc, argv);

    const auto t0 = std::chrono::steady_clock::now();
    try {
        if (side < 12 || side % 4 != 0)
            throw semsteg::error("--side " + std::to_string(side) +
                                 ": expected a multiple of 4, at least 12");
        if (eve_snrs.empty())
            throw semsteg::error("--eve-snr: expected at least one SNR");
        const int used_threads = semsteg::set_torch_threads(threads);
        torch::NoGradGuard no_grad;

        // 1. Models and data, all checked before anything is written.
        auto models = semsteg::secure_link_models::load(
            codec_path, inn_path, mia_path, detector_path, lost);
        std::optional<lpips_model> lpips;
        if (!lpips_path.empty())
            lpips.emplace(lpips_path);

        semsteg::image_set::options private_opts;
        private_opts.crop_fraction = crop;
        private_opts.max_side = 4 * side; // as semsteg-train's validation images
        loaded_data data{ semsteg::image_set::from_folder(private_dir, private_opts, private_range),
                          std::nullopt,
                          "",
                          "" };
        const bool same_pool = hosts_dir.empty() && host_range.empty() &&
                               (host_crop_opt->count() == 0 || host_crop == crop);
        if (!same_pool) {
            semsteg::image_set::options host_opts = private_opts;
            host_opts.crop_fraction = host_crop_opt->count() ? host_crop
                                      : hosts_dir.empty()   ? crop
                                                            : 1.0;
            host_crop = host_opts.crop_fraction;
            const std::string dir = hosts_dir.empty() ? private_dir : hosts_dir;
            const std::string range = !host_range.empty() ? host_range
                                      : hosts_dir.empty() ? private_range
                                                          : ":";
            data.hosts = semsteg::image_set::from_folder(dir, host_opts, range);
            data.host_desc = dir + " [" + range + "], crop " + fmt(host_crop, 4);
        } else {
            host_crop = crop;
        }
        data.private_desc = private_dir + " [" + private_range + "], crop " + fmt(crop, 4);
        for (const auto* set : { &data.privates, data.hosts ? &*data.hosts : nullptr }) {
            if (!set)
                continue;
            for (size_t i = 0; i < set->skipped_files().size() && i < 5; ++i)
                std::cerr << "semsteg-eval: skipped unreadable image '"
                          << set->skipped_files()[i] << "'\n";
            if (set->skipped() > 5)
                std::cerr << "semsteg-eval: ... and " << set->skipped() - 5
                          << " more unreadable images\n";
        }

        pair_data pd;
        pd.privates = &data.privates;
        pd.hosts = &data.host_set();
        pd.side = side;
        pd.pairs = draw_pairs(data, npairs, seed);

        // A dry run on two pairs: catches codec/MIA/detector/LPIPS mismatches (channel counts,
        // sizes) while nothing has been written yet.
        {
            pair_data probe = pd;
            probe.pairs.resize(std::min<size_t>(2, pd.pairs.size()));
            const auto [xh, xp] = probe.batch(0, probe.pairs.size());
            auto gen = at::detail::createCPUGenerator(seed);
            try {
                const auto ch = make_channel(channel, bob_snr);
                const auto r = semsteg::run_secure_link(models, xh, xp, ch, ch, gen);
                semsteg::ms_ssim(r.secure_bob, xp);
                if (r.secure_mia.defined())
                    semsteg::ms_ssim(r.secure_mia, xp);
            } catch (const semsteg::error&) {
                throw;
            } catch (const std::exception& e) {
                const std::string w = e.what();
                throw semsteg::error("the models do not work together at side " +
                                     std::to_string(side) + " (codec '" + codec_path +
                                     "', INN '" + inn_path + "'" +
                                     (mia_path.empty() ? "" : ", MIA '" + mia_path + "'") +
                                     (detector_path.empty() ? ""
                                                            : ", detector '" + detector_path + "'") +
                                     "): " + w.substr(0, w.find('\n')));
            }
            if (lpips)
                lpips->distance(xh, xp);
        }

        // 2. Outputs: only now is anything created.
        check_writable(out_dir, "--out");
        if (!dump_dir.empty())
            check_writable(dump_dir, "--dump");

        std::cerr << "semsteg-eval: " << pd.pairs.size() << " pairs from "
                  << data.privates.size() << " private images (" << data.privates.skipped()
                  << " unreadable skipped)";
        if (data.hosts)
            std::cerr << " and " << data.hosts->size() << " hosts (" << data.hosts->skipped()
                      << " skipped)";
        std::cerr << ", " << used_threads << " torch threads\n";

        // Floor: the host and private images themselves (Eve's best if she decodes the host).
        scores floor;
        for (size_t b = 0; b < pd.pairs.size(); b += batch) {
            const auto [xh, xp] = pd.batch(b, std::min(pd.pairs.size(), b + batch));
            score(floor, xh, xp, lpips ? &*lpips : nullptr);
        }
        const auto floor_stats = summarize(floor);

        const auto bob_ch = make_channel(channel, bob_snr);
        std::vector<table_run> tables;
        batch_sink sink;
        sink.dump_dir = dump_dir;
        for (size_t k = 0; k < eve_snrs.size(); ++k)
            tables.push_back(run_table(models,
                                       pd,
                                       floor.ms_ssim,
                                       bob_ch,
                                       make_channel(channel, eve_snrs[k]),
                                       batch,
                                       seed,
                                       lpips ? &*lpips : nullptr,
                                       &sink,
                                       k == 0));
        const auto eval_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

        pair_data sweep_data = pd;
        sweep_data.pairs.resize(std::min<size_t>(200, pd.pairs.size()));
        const auto sweep = run_sweep(models, sweep_data, channel, batch, seed);
        const bool have_mia = models.mia.has_value();
        const bool have_det = models.detect.has_value();
        const bool have_lpips = lpips.has_value();

        // 3. Files.
        const fs::path out(out_dir);

        // grid.png: one column per pair; rows host, private, Bob, Eve naive (, Eve MIA).
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

        // snr_sweep.csv (+ .gp and .png when gnuplot is there).
        std::string plot_note;
        {
            std::ostringstream csv;
            csv << "snr_db,pairs,baseline_psnr,baseline_psnr_se,secure_bob_psnr,"
                   "secure_bob_psnr_se,eve_naive_psnr_private,eve_naive_psnr_private_se,"
                   "eve_naive_psnr_host,eve_naive_psnr_host_se,eve_mia_psnr_private,"
                   "eve_mia_psnr_private_se,eve_mia_psnr_host,eve_mia_psnr_host_se\n";
            for (const auto& p : sweep) {
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

            const auto abs_out = fs::absolute(out);
            std::ostringstream gp;
            gp << "# Written by semsteg-eval; run: gnuplot snr_sweep.gp\n"
               << "if (strstrt(GPVAL_TERMINALS, 'pngcairo') > 0) {\n"
               << "    set terminal pngcairo size 900,560 enhanced font 'sans,10'\n"
               << "} else {\n"
               << "    set terminal png size 900,560\n"
               << "}\n"
               << "set output " << gp_quote((abs_out / "snr_sweep.png").string()) << "\n"
               << "set datafile separator ','\n"
               << "set title 'PSNR vs channel SNR (" << channel << ", Bob and Eve at the same "
               << "SNR, " << sweep_data.pairs.size() << " pairs)'\n"
               << "set xlabel 'channel SNR (dB)'\nset ylabel 'PSNR (dB)'\n"
               << "set key bottom right\nset grid\nset xrange [0:20]\nset xtics 2\n"
               << "f = " << gp_quote((abs_out / "snr_sweep.csv").string()) << "\n"
               << "plot f skip 1 using 1:3 with linespoints lw 2 title 'DeepJSCC baseline: "
                  "Bob (private)', \\\n"
               << "     f skip 1 using 1:5 with linespoints lw 2 title 'secure: Bob (private)', "
                  "\\\n"
               << "     f skip 1 using 1:7 with linespoints lw 2 title 'secure: Eve naive vs "
                  "private', \\\n"
               << "     f skip 1 using 1:9 with linespoints lw 2 title 'secure: Eve naive vs "
                  "host'";
            if (have_mia)
                gp << ", \\\n     f skip 1 using 1:11 with linespoints lw 2 dt 2 title 'secure: "
                      "Eve MIA vs private', \\\n"
                   << "     f skip 1 using 1:13 with linespoints lw 2 dt 2 title 'secure: Eve "
                      "MIA vs host'";
            gp << "\n";
            write_file(out / "snr_sweep.gp", gp.str());
            if (fs::exists(gnuplot_path)) {
                fs::remove(out / "snr_sweep.png");
                const std::string cmd = std::string(gnuplot_path) + " " +
                                        sh_quote((abs_out / "snr_sweep.gp").string());
                if (std::system(cmd.c_str()) == 0 && fs::exists(out / "snr_sweep.png")) {
                    plot_note = "snr_sweep.png (gnuplot)";
                } else {
                    plot_note = "gnuplot failed on snr_sweep.gp: no snr_sweep.png";
                    std::cerr << "semsteg-eval: warning: " << plot_note << "\n";
                }
            } else {
                plot_note = std::string(gnuplot_path) +
                            " not found: no snr_sweep.png (snr_sweep.csv and snr_sweep.gp "
                            "written; install gnuplot and run the script to plot)";
                std::cerr << "semsteg-eval: " << plot_note << "\n";
            }
        }

        // The table, three ways.
        json j;
        j["settings"] = { { "codec", codec_path },
                          { "inn", inn_path },
                          { "mia", mia_path.empty() ? json(nullptr) : json(mia_path) },
                          { "detector",
                            detector_path.empty() ? json(nullptr) : json(detector_path) },
                          { "lpips", lpips_path.empty() ? json(nullptr) : json(lpips_path) },
                          { "lost_part", models.lost.to_string() },
                          { "side", side },
                          { "seed", seed },
                          { "batch", batch },
                          { "channel", channel },
                          { "bob_snr_db", bob_snr },
                          { "eve_snr_db", eve_snrs },
                          { "codec_config", models.codec->config().to_json() },
                          { "inn_config", models.stego->config().to_json() } };
        j["data"] = { { "private_folder", private_dir },
                      { "private_range", private_range },
                      { "private_crop", crop },
                      { "private_images", data.privates.size() },
                      { "private_skipped", data.privates.skipped() },
                      { "private_skipped_files", data.privates.skipped_files() },
                      { "hosts_same_pool", !data.hosts },
                      { "host_crop", host_crop },
                      { "host_images", data.host_set().size() },
                      { "host_skipped", data.hosts ? data.hosts->skipped() : 0 },
                      { "pairs", pd.pairs.size() } };
        if (data.hosts)
            j["data"]["host_source"] = data.host_desc;
        j["floor"] = { { "psnr", stat_json(floor_stats.psnr) },
                       { "ssim", stat_json(floor_stats.ssim) },
                       { "ms_ssim", stat_json(floor_stats.ms_ssim) },
                       { "lpips", stat_json(floor_stats.lpips) } };

        std::ostringstream csv, md;
        csv << "eve_snr_db,bob_snr_db,channel,row,compared_to,pairs";
        for (const char* o : obs_keys)
            for (const char* m : { "psnr", "ssim", "ms_ssim", "lpips" })
                csv << "," << o << "_" << m << "," << o << "_" << m << "_se";
        csv << ",eve_naive_leakage,eve_naive_leakage_se,eve_mia_leakage,eve_mia_leakage_se,"
               "detector_accuracy,detector_accuracy_se,floor_psnr,floor_psnr_se,"
               "floor_ms_ssim,floor_ms_ssim_se\n";

        md << "# semsteg-eval results\n\n"
           << "- codec `" << codec_path << "`, INN `" << inn_path << "`, Eve's MIA "
           << (have_mia ? "`" + mia_path + "`" : std::string(not_measured)) << ", detector "
           << (have_det ? "`" + detector_path + "`" : std::string(not_measured)) << ", LPIPS "
           << (have_lpips ? "`" + lpips_path + "`" : std::string(not_measured))
           << "; Bob fills the lost part with " << models.lost.to_string() << "\n"
           << "- private images: " << data.private_desc << ": " << data.privates.size()
           << " read, " << data.privates.skipped() << " unreadable skipped\n"
           << "- hosts: "
           << (data.hosts ? data.host_desc + ": " + std::to_string(data.hosts->size()) +
                                " read, " + std::to_string(data.hosts->skipped()) +
                                " unreadable skipped"
                          : std::string("the private pool (an image is never its own host)"))
           << "\n"
           << "- " << pd.pairs.size() << " random (host, private) pairs, seed " << seed << ", "
           << side << "×" << side << ", channel " << channel << ", Bob SNR " << snr_tag(bob_snr)
           << " dB\n"
           << "- values: mean ± standard error over pairs; PSNR in dB; SSIM and MS-SSIM as "
              "defined in lib/include/semsteg/metrics.h ("
           << semsteg::ms_ssim_scales(side) << "-scale MS-SSIM at " << side << " px)\n";

        const stat floor_ms = floor_stats.ms_ssim, floor_psnr = floor_stats.psnr;
        j["tables"] = json::array();
        for (const auto& t : tables) {
            const auto det = accuracy_stat(t.det_plain_ok + t.det_container_ok, 2 * t.det_n);
            const auto leak_naive = summarize(t.leak_naive), leak_mia = summarize(t.leak_mia);
            json jt{ { "eve_snr_db", t.eve_snr_db },
                     { "bob_snr_db", bob_snr },
                     { "rows", json::array() },
                     { "leakage_ms_ssim_above_floor",
                       { { "eve_naive", stat_json(leak_naive) },
                         { "eve_mia", stat_json(leak_mia) } } },
                     { "detector",
                       have_det ? json{ { "accuracy", stat_json(det) },
                                        { "plain_called_plain", t.det_plain_ok },
                                        { "containers_called_containers", t.det_container_ok },
                                        { "signals_each", t.det_n } }
                                : json(nullptr) } };

            md << "\n## Eve SNR " << snr_tag(t.eve_snr_db) << " dB (Bob " << snr_tag(bob_snr)
               << " dB, " << channel << ", " << pd.pairs.size() << " pairs)\n\n";
            md << "| system (compared to) | Bob PSNR | Bob SSIM | Bob MS-SSIM |"
               << (have_lpips ? " Bob LPIPS |" : "")
               << " Eve naive PSNR | Eve naive MS-SSIM |"
               << (have_lpips ? " Eve naive LPIPS |" : "") << " Eve MIA PSNR | Eve MIA MS-SSIM |"
               << (have_lpips ? " Eve MIA LPIPS |" : " LPIPS |") << " detector accuracy |\n";
            md << "|---|---|---|---|" << (have_lpips ? "---|" : "") << "---|---|"
               << (have_lpips ? "---|" : "") << "---|---|---|---|\n";

            for (int r = 0; r < n_rows; ++r) {
                std::array<score_stats, n_obs> st;
                for (int o = 0; o < n_obs; ++o)
                    st[o] = summarize(t.cell[r][o]);
                const bool bob_applies = r != row_secure_host;
                const bool det_applies = r != row_baseline;
                const bool leak_applies = r != row_secure_host;
                // Leakage of the baseline row is Eve's MS-SSIM minus the floor, as for the
                // secure row, so the threat and the protection read on one scale.
                stat ln, lm;
                if (leak_applies && r == row_secure_private) {
                    ln = leak_naive;
                    lm = leak_mia;
                } else if (leak_applies) {
                    std::vector<double> a, b;
                    const auto& e = t.cell[r][obs_eve].ms_ssim;
                    const auto& m = t.cell[r][obs_mia].ms_ssim;
                    for (size_t i = 0; i < e.size(); ++i)
                        a.push_back(e[i] - floor.ms_ssim[i]);
                    for (size_t i = 0; i < m.size(); ++i)
                        b.push_back(m[i] - floor.ms_ssim[i]);
                    ln = summarize(a);
                    lm = summarize(b);
                }

                json jr{ { "name", row_names[r] },
                         { "key", row_keys[r] },
                         { "compared_to", row_refs[r] } };
                for (int o = 0; o < n_obs; ++o) {
                    const bool applies = o != obs_bob || bob_applies;
                    jr[obs_keys[o]] = applies && st[o].psnr.measured()
                                          ? json{ { "psnr", stat_json(st[o].psnr) },
                                                  { "ssim", stat_json(st[o].ssim) },
                                                  { "ms_ssim", stat_json(st[o].ms_ssim) },
                                                  { "lpips", stat_json(st[o].lpips) } }
                                          : json(nullptr);
                }
                if (leak_applies)
                    jr["leakage_ms_ssim_above_floor"] = { { "eve_naive", stat_json(ln) },
                                                          { "eve_mia", stat_json(lm) } };
                jr["detector_accuracy"] = det_applies ? stat_json(det) : json(nullptr);
                jt["rows"].push_back(jr);

                csv << snr_tag(t.eve_snr_db) << "," << snr_tag(bob_snr) << "," << channel
                    << "," << csv_field(row_names[r]) << "," << row_refs[r] << ","
                    << pd.pairs.size();
                for (int o = 0; o < n_obs; ++o) {
                    const bool applies = o != obs_bob || bob_applies;
                    for (const auto* s :
                         { &st[o].psnr, &st[o].ssim, &st[o].ms_ssim, &st[o].lpips })
                        csv << "," << (applies ? fmt(s->mean, 5) : "") << ","
                            << (applies ? fmt(s->se, 5) : "");
                }
                csv << "," << fmt(ln.mean, 5) << "," << fmt(ln.se, 5) << "," << fmt(lm.mean, 5)
                    << "," << fmt(lm.se, 5) << "," << (det_applies ? fmt(det.mean, 5) : "")
                    << "," << (det_applies ? fmt(det.se, 5) : "") << ","
                    << fmt(floor_psnr.mean, 5) << "," << fmt(floor_psnr.se, 5) << ","
                    << fmt(floor_ms.mean, 5) << "," << fmt(floor_ms.se, 5) << "\n";

                const std::string dash = "–";
                md << "| " << row_names[r] << " | "
                   << (bob_applies ? fmt_stat(st[obs_bob].psnr, 2) : dash) << " | "
                   << (bob_applies ? fmt_stat(st[obs_bob].ssim, 3) : dash) << " | "
                   << (bob_applies ? fmt_stat(st[obs_bob].ms_ssim, 3) : dash) << " | ";
                if (have_lpips)
                    md << (bob_applies ? fmt_stat(st[obs_bob].lpips, 3) : dash) << " | ";
                md << fmt_stat(st[obs_eve].psnr, 2) << " | " << fmt_stat(st[obs_eve].ms_ssim, 3)
                   << " | ";
                if (have_lpips)
                    md << fmt_stat(st[obs_eve].lpips, 3) << " | ";
                md << fmt_stat(st[obs_mia].psnr, 2) << " | " << fmt_stat(st[obs_mia].ms_ssim, 3)
                   << " | ";
                md << (have_lpips ? fmt_stat(st[obs_mia].lpips, 3) : not_measured) << " | ";
                md << (!det_applies ? dash : have_det ? fmt_stat(det, 3) : not_measured)
                   << " |\n";
            }

            md << "\n- floor (each pair's host vs its private image): MS-SSIM "
               << fmt_stat(floor_ms, 3) << ", PSNR " << fmt_stat(floor_psnr, 2) << " dB\n";
            md << "- Eve's leakage (MS-SSIM to the private image − floor): secure naive "
               << fmt_signed_stat(leak_naive, 3) << ", secure MIA "
               << (have_mia ? fmt_signed_stat(leak_mia, 3) : std::string(not_measured));
            {
                const auto& jb = jt["rows"][0]["leakage_ms_ssim_above_floor"];
                stat bn;
                if (!jb["eve_naive"].is_null()) {
                    bn.n = jb["eve_naive"]["n"].get<size_t>();
                    bn.mean = jb["eve_naive"]["mean"].get<double>();
                    bn.se = jb["eve_naive"]["se"].is_null() ? nan_v
                                                            : jb["eve_naive"]["se"].get<double>();
                }
                md << " (unprotected DeepJSCC, naive: " << fmt_signed_stat(bn, 3) << ")\n";
            }
            if (have_det)
                md << "- detector: " << t.det_plain_ok << "/" << t.det_n
                   << " plain host signals called plain, " << t.det_container_ok << "/"
                   << t.det_n << " containers called containers (threshold 0 on the logit; "
                   << "0.5 = undetectable)\n";
            j["tables"].push_back(jt);
        }

        json js = json::array();
        for (const auto& p : sweep)
            js.push_back({ { "snr_db", p.snr_db },
                           { "pairs", p.pairs },
                           { "baseline_psnr", stat_json(p.baseline) },
                           { "secure_bob_psnr", stat_json(p.bob) },
                           { "eve_naive_psnr_private", stat_json(p.eve_private) },
                           { "eve_naive_psnr_host", stat_json(p.eve_host) },
                           { "eve_mia_psnr_private", stat_json(p.mia_private) },
                           { "eve_mia_psnr_host", stat_json(p.mia_host) } });
        j["snr_sweep"] = js;

        md << "\n## Files\n\n"
           << "- `grid.png`: columns are pairs 0–" << sink.grid_pairs - 1
           << "; rows host, private, Bob (secure), Eve naive"
           << (have_mia ? ", Eve MIA" : "") << " (Eve SNR " << snr_tag(eve_snrs[0]) << " dB)\n"
           << "- `snr_sweep.csv`: PSNR vs channel SNR 0–20 dB (Bob = Eve) on "
           << sweep_data.pairs.size() << " pairs; plot: " << plot_note << "\n"
           << "- `results.csv`, `results.json`: this table with standard errors\n";
        if (!dump_dir.empty())
            md << "- reconstructions as PNG under `" << dump_dir << "` (pair index = file name)\n";
        const auto total_s =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        md << "\nEvaluated in " << fmt(eval_s, 0) << " s (" << fmt(total_s, 0)
           << " s with the sweep), " << used_threads << " torch threads.\n";
        j["seconds"] = total_s;

        if (!dump_dir.empty()) {
            std::ostringstream pairs_csv;
            pairs_csv << "pair,host,private\n";
            for (size_t i = 0; i < pd.pairs.size(); ++i)
                pairs_csv << i << "," << csv_field(pd.hosts->path(pd.pairs[i].first)) << ","
                          << csv_field(pd.privates->path(pd.pairs[i].second)) << "\n";
            write_file(fs::path(dump_dir) / "pairs.csv", pairs_csv.str());
        }
        write_file(out / "results.csv", csv.str());
        write_file(out / "results.json", j.dump(2) + "\n");
        write_file(out / "results.md", md.str());
        std::cout << md.str() << std::flush;
        return 0;
    } catch (const std::exception& e) {
        const std::string w = e.what();
        std::cerr << "semsteg-eval: error: " << w.substr(0, w.find('\n')) << "\n";
        return 1;
    }
}
