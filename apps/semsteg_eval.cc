/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-eval: the reference experiment (Bob vs Eve) on random (host, private) pairs; writes
// the table (Markdown, CSV, JSON), the floor and Eve's leakage, a visual grid and an SNR
// sweep. A command line over the experiment library (experiment.h, experiment_run.h).

#include <semsteg/dataset.h>
#include <semsteg/error.h>
#include <semsteg/experiment.h>
#include <semsteg/experiment_run.h>
#include <semsteg/stego_key.h>
#include <semsteg/text_file.h>
#include <semsteg/threads.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <unistd.h>
#include <unordered_set>
#include <vector>

namespace fs = std::filesystem;

namespace {

//! A progress line on stderr: rewritten in place on a terminal, every 15 s otherwise.
class progress
{
public:
    void operator()(const std::string& what, size_t done, size_t total, const char* unit)
    {
        const auto now = std::chrono::steady_clock::now();
        const bool last = done == total;
        if (d_tty) {
            std::cerr << "\r\033[K"
                      << "semsteg-eval: " << what << ": " << done << "/" << total << " "
                      << unit << (last ? "\n" : "") << std::flush;
        } else if (last || now - d_last > std::chrono::seconds(15)) {
            std::cerr << "semsteg-eval: " << what << ": " << done << "/" << total << " "
                      << unit << "\n"
                      << std::flush;
            d_last = now;
        }
    }

private:
    bool d_tty = isatty(STDERR_FILENO);
    std::chrono::steady_clock::time_point d_last = std::chrono::steady_clock::now();
};

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

void check_model_file(const std::string& path, const char* option)
{
    std::error_code ec;
    if (!path.empty() && !fs::is_regular_file(path, ec))
        throw semsteg::error(std::string(option) + " '" + path + "': no such file");
}

void report_skipped(const semsteg::image_set& set)
{
    for (size_t i = 0; i < set.skipped_files().size() && i < 5; ++i)
        std::cerr << "semsteg-eval: skipped unreadable image '" << set.skipped_files()[i]
                  << "'\n";
    if (set.skipped() > 5)
        std::cerr << "semsteg-eval: ... and " << set.skipped() - 5
                  << " more unreadable images\n";
}

semsteg::image_set_report describe(const semsteg::image_set& set,
                                   const std::string& folder,
                                   const std::string& range,
                                   double crop)
{
    return { folder, range, crop, set.size(), set.skipped(), set.skipped_files() };
}

struct eval_options {
    std::string codec_path, inn_path, mia_path, detector_path, lost = "auto", lpips_path;
    std::string key_file, passphrase; //!< the key a keyed INN needs (never written out)
    std::string extractor_path; //!< Eve's E6/E7 extractor (optional)
    std::string eve_inn_path; //!< E5: an INN of Eve's own (optional)
    std::string private_codec_path; //!< a reduced payload's own codec (as the INN records)
    std::string private_dir, private_range = ":", hosts_dir, host_range;
    double crop = 1.0, host_crop = 1.0;
    bool host_crop_given = false;
    int side = 64, threads = 0;
    size_t pairs = 1000, batch = 100;
    uint64_t seed = 1;
    double bob_snr = 10.0;
    size_t key_sweep = 0; //!< Bob under this many random keys (keyed INN)
    double snr_error = 0.0; //!< receivers of an SNR-adaptive codec are told SNR + this
    std::vector<double> eve_snrs { 10.0, 20.0 };
    std::string channel = "awgn", out_dir, dump_dir;
    //! E10's statistical steganalyst: fitted on pairs from this range of the private folder
    //! (never the evaluated images), one fit per Eve SNR; empty: not run
    std::string fit_range;
    size_t fit_pairs = 1000;
    double max_megapixels = semsteg::default_max_image_pixels / 1e6;
};

/*!
 * What Eve fits per Eve SNR on pairs of --steganalysis-fit-range (never an evaluated image):
 * E10's statistical steganalyst, and the detector's threshold. Empty when not asked for.
 */
std::vector<semsteg::steganalysis_fit>
fit_steganalysis(const eval_options& o,
                 const semsteg::secure_link_models& models,
                 const semsteg::image_pairs& evaluated,
                 const semsteg::image_set::options& private_opts)
{
    if (o.fit_range.empty())
        return {};
    const auto fit_set
        = semsteg::image_set::from_folder(o.private_dir, private_opts, o.fit_range);
    std::unordered_set<std::string> evaluated_paths;
    for (const auto* set : { evaluated.privates, evaluated.hosts })
        for (size_t i = 0; i < set->size(); ++i)
            evaluated_paths.insert(fs::weakly_canonical(set->path(i)).string());
    for (size_t i = 0; i < fit_set.size(); ++i)
        if (evaluated_paths.count(fs::weakly_canonical(fit_set.path(i)).string()))
            throw semsteg::error("--steganalysis-fit-range " + o.fit_range + " includes '"
                                 + fit_set.path(i)
                                 + "', an evaluated image: fit on images kept apart");
    if (fit_set.size() < 2)
        throw semsteg::error("--steganalysis-fit-range " + o.fit_range
                             + ": at least two readable images are needed");
    semsteg::image_pairs fit;
    fit.privates = fit.hosts = &fit_set;
    fit.side = o.side;
    fit.pairs = semsteg::draw_image_pairs(fit_set, fit_set, o.fit_pairs, o.seed + 17);
    return semsteg::fit_steganalysis(
        models, fit, o.bob_snr, o.eve_snrs, o.channel, o.batch, o.seed, progress());
}

int run(eval_options& o)
{
    const auto t0 = std::chrono::steady_clock::now();
    if (o.side < 12 || o.side % 4 != 0)
        throw semsteg::error("--side " + std::to_string(o.side)
                             + ": expected a multiple of 4, at least 12");
    if (o.eve_snrs.empty())
        throw semsteg::error("--eve-snr: expected at least one SNR");
    const int threads = semsteg::set_torch_threads(o.threads);
    semsteg::set_max_image_pixels(static_cast<uint64_t>(o.max_megapixels * 1e6));
    torch::NoGradGuard no_grad;

    // 1. Models and data, all checked before anything is written.
    check_model_file(o.codec_path, "--codec");
    check_model_file(o.inn_path, "--inn");
    check_model_file(o.mia_path, "--mia");
    check_model_file(o.detector_path, "--detector");
    check_model_file(o.lpips_path, "--lpips");
    check_model_file(o.private_codec_path, "--private-codec");
    if (o.private_codec_path.empty() && !o.inn_path.empty()) // the one the INN names
        o.private_codec_path = semsteg::locate_inn_private_codec(o.inn_path);
    auto models = semsteg::secure_link_models::load(
        o.codec_path,
        o.inn_path,
        o.mia_path,
        o.detector_path,
        o.lost,
        semsteg::load_key(o.key_file,
                          o.passphrase,
                          [](const std::string& warning) {
                              std::cerr << "semsteg-eval: warning: " << warning << "\n";
                          }),
        o.private_codec_path);
    models.snr_estimate_error_db = o.snr_error;
    check_model_file(o.extractor_path, "--eve-extractor");
    if (!o.extractor_path.empty()) {
        models.extractor = semsteg::load_extractor(o.extractor_path, &models.extractor_cfg);
        if (!models.stego->config().full_payload())
            throw semsteg::error("--eve-extractor: the extractors read full-payload INNs "
                                 "only; this INN hides a reduced payload");
        if (models.extractor_cfg.channels != models.stego->config().channels)
            throw semsteg::error("--eve-extractor '" + o.extractor_path + "' reads "
                                 + std::to_string(models.extractor_cfg.channels)
                                 + "-channel latents; the INN's have "
                                 + std::to_string(models.stego->config().channels));
    }
    if (o.key_sweep > 0 && !models.key)
        throw semsteg::error("--key-sweep needs a keyed INN and its key (--key-file or "
                             "--passphrase)");
    check_model_file(o.eve_inn_path, "--eve-inn");
    if (!o.eve_inn_path.empty())
        models.load_eve_inn(o.eve_inn_path);
    std::optional<semsteg::lpips_model> lpips;
    if (!o.lpips_path.empty())
        lpips.emplace(o.lpips_path);
    semsteg::lpips_model* lp = lpips ? &*lpips : nullptr;

    semsteg::image_set::options private_opts;
    private_opts.crop_fraction = o.crop;
    private_opts.max_side = 4 * o.side; // as semsteg-train's validation images
    const auto privates
        = semsteg::image_set::from_folder(o.private_dir, private_opts, o.private_range);
    std::optional<semsteg::image_set> own_hosts;
    std::string host_dir, host_range;
    const bool same_pool = o.hosts_dir.empty() && o.host_range.empty()
        && (!o.host_crop_given || o.host_crop == o.crop);
    if (same_pool) {
        o.host_crop = o.crop;
    } else {
        if (!o.host_crop_given)
            o.host_crop = o.hosts_dir.empty() ? o.crop : 1.0;
        semsteg::image_set::options host_opts = private_opts;
        host_opts.crop_fraction = o.host_crop;
        host_dir = o.hosts_dir.empty() ? o.private_dir : o.hosts_dir;
        host_range = !o.host_range.empty() ? o.host_range
            : o.hosts_dir.empty()          ? o.private_range
                                           : ":";
        own_hosts = semsteg::image_set::from_folder(host_dir, host_opts, host_range);
    }
    const semsteg::image_set& hosts = own_hosts ? *own_hosts : privates;
    report_skipped(privates);
    if (own_hosts)
        report_skipped(*own_hosts);

    semsteg::image_pairs pairs;
    pairs.privates = &privates;
    pairs.hosts = &hosts;
    pairs.side = o.side;
    pairs.pairs = semsteg::draw_image_pairs(hosts, privates, o.pairs, o.seed);

    // A dry run on two pairs catches codec/MIA/detector/LPIPS mismatches (channel counts,
    // sizes) while nothing has been written yet.
    {
        const auto [xh, xp] = semsteg::pair_batch(pairs, 0, std::min<size_t>(2, o.pairs));
        auto gen = at::detail::createCPUGenerator(o.seed);
        try {
            const auto ch = semsteg::fixed_snr_channel(o.channel, o.bob_snr);
            const auto r = semsteg::run_secure_link(models, xh, xp, ch, ch, gen);
            semsteg::image_scores probe;
            semsteg::score_images(probe, r.secure_bob, xp, nullptr, false);
            if (r.secure_mia.defined())
                semsteg::score_images(probe, r.secure_mia, xp, nullptr, false);
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

    std::cerr << "semsteg-eval: " << pairs.pairs.size() << " pairs from " << privates.size()
              << " private images (" << privates.skipped() << " unreadable skipped)";
    if (own_hosts)
        std::cerr << " and " << own_hosts->size() << " hosts (" << own_hosts->skipped()
                  << " skipped)";
    std::cerr << "; torch threads: " << threads << "\n";

    semsteg::experiment_result res;
    auto& s = res.setup;
    s.codec = o.codec_path;
    s.inn = o.inn_path;
    s.mia = o.mia_path;
    s.eve_inn = o.eve_inn_path;
    s.private_codec = o.private_codec_path;
    s.detector = o.detector_path;
    s.lpips = o.lpips_path;
    s.side = o.side;
    describe_models(models, s);
    s.seed = o.seed;
    s.batch = o.batch;
    s.channel = o.channel;
    s.bob_snr_db = o.bob_snr;
    s.snr_estimate_error_db = o.snr_error;
    s.eve_snrs_db = o.eve_snrs;
    s.torch_threads = threads;
    s.privates = describe(privates, o.private_dir, o.private_range, o.crop);
    s.hosts_same_pool = !own_hosts;
    if (own_hosts)
        s.hosts = describe(*own_hosts, host_dir, host_range, o.host_crop);
    s.pairs = pairs.pairs.size();
    s.dump_dir = o.dump_dir;

    // The floor: what Eve scores against the private image if she decodes the host perfectly.
    res.floor = semsteg::floor_scores(pairs, o.batch, lp);
    const auto steganalysis = fit_steganalysis(o, models, pairs, private_opts);
    if (!steganalysis.empty())
        s.statistical_fit = std::to_string(o.fit_pairs) + " pairs of " + o.private_dir + " ["
            + o.fit_range + "]";
    // The received signals also tell where a trained detector finds the containers.
    models.keep_received = !steganalysis.empty() || models.detect.has_value();
    for (size_t k = 0; k < o.eve_snrs.size(); ++k) {
        semsteg::eve_table_options to;
        to.bob = semsteg::fixed_snr_channel(o.channel, o.bob_snr);
        to.eve = semsteg::fixed_snr_channel(o.channel, o.eve_snrs[k]);
        to.batch = o.batch;
        to.seed = o.seed;
        to.lpips = lp;
        if (!steganalysis.empty()) {
            to.statistical = &steganalysis[k].statistical;
            to.calibrated = &steganalysis[k].calibrated;
            to.detector_threshold = steganalysis[k].detector_threshold;
        }
        to.grid = &res.grid;
        to.dump_dir = o.dump_dir;
        to.first_table = k == 0;
        to.progress = progress();
        res.tables.push_back(semsteg::run_eve_table(models, pairs, to));
    }
    models.keep_received = false;
    res.eval_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    semsteg::image_pairs sweep_pairs = pairs;
    sweep_pairs.pairs.resize(std::min<size_t>(200, pairs.pairs.size()));
    res.sweep
        = semsteg::run_snr_sweep(models, sweep_pairs, o.channel, o.batch, o.seed, progress());
    res.sweep_pairs = sweep_pairs.pairs.size();
    if (o.key_sweep > 0)
        res.keys = semsteg::run_key_sweep(models,
                                          sweep_pairs,
                                          semsteg::fixed_snr_channel(o.channel, o.bob_snr),
                                          o.key_sweep,
                                          o.batch,
                                          o.seed,
                                          progress());
    res.total_s
        = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

    // 3. Files.
    if (!o.dump_dir.empty())
        semsteg::write_text_file((fs::path(o.dump_dir) / "pairs.csv").string(),
                                 semsteg::pairs_csv(pairs));
    const auto md = semsteg::write_experiment(res, o.out_dir, [](const std::string& note) {
        std::cerr << "semsteg-eval: warning: " << note << "\n";
    });
    std::cout << md << std::flush;
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
    app.add_option("--private-codec",
                   o.private_codec_path,
                   "the codec of the private image, for an INN whose reduced payload has one "
                   "of its own (default: the one the INN names, beside it or among the "
                   "models)");
    app.add_option("--eve-inn",
                   o.eve_inn_path,
                   "E5: an INN of Eve's own (kind inn: the public recipe trained again, or "
                   "fine-tuned from a shipped file), run backwards on what she receives; a "
                   "row of its own");
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
    app.add_option("--key-sweep",
                   o.key_sweep,
                   "keyed INN: Bob also under this many random keys (the first 200 pairs, "
                   "the same channel noise under each key): key_sweep.csv")
        ->check(CLI::Range(size_t { 0 }, size_t { 10000 }));
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
                   "E10: fit a statistical steganalyst (moments, spectra, channel "
                   "correlations; and calibrated: the same of y - E(D(y))), and the "
                   "--detector's threshold, at each Eve SNR on "
                   "pairs from this BEGIN:END of the private folder (disjoint from the "
                   "evaluated images)");
    app.add_option(
           "--steganalysis-fit-pairs", o.fit_pairs, "E10, E3's threshold: pairs to fit on")
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
