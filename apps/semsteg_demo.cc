/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-demo: Alice hides a private image in a host image's latent and sends the container;
// Bob extracts the private image, Eve (same signal, her own channel) decodes the host.
// Loopback simulation with the shipped models; writes PNGs, a side-by-side and a metrics table.

#include <semsteg/error.h>
#include <semsteg/metrics.h>
#include <semsteg/model_locator.h>
#include <semsteg/receiver_report.h>
#include <semsteg/secure_link.h>
#include <semsteg/semantic.h>
#include <semsteg/stego_key.h>
#include <semsteg/threads.h>

#include <CLI/CLI.hpp>

#include <filesystem>
#include <fstream>
#include <iostream>

namespace fs = std::filesystem;

namespace {

// A shipped model: in --models when given, else by the model search path (model_locator.h:
// $SEMSTEG_MODELS, the installed models, the source tree's), as the blocks find theirs.
std::string model_path(const std::string& dir, const std::string& name)
{
    return dir.empty() ? semsteg::locate_model(name) : (fs::path(dir) / name).string();
}

// Eve's inverse network is optional: "" when it is not there.
std::string optional_model_path(const std::string& dir, const std::string& name)
{
    try {
        const auto path = model_path(dir, name);
        return fs::exists(path) ? path : "";
    } catch (const semsteg::error&) {
        return "";
    }
}

} // namespace

int main(int argc, char** argv)
{
    CLI::App app {
        "gr-semsteg demo: secure semantic image transmission, loopback simulation"
    };
    std::vector<std::string> privates {
        "/usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg"
    };
    std::vector<std::string> hosts { "/usr/share/palapeli/collection/castle-maintenon.jpg" };
    std::string models, out = "semsteg-demo-out", lost = "auto", key_file, passphrase;
    std::string channel = "awgn";
    double bob_snr = 10, eve_snr = 10, crop = 1.0;
    int count = 1, threads = 0;
    uint64_t seed = 1;
    app.add_option("--private",
                   privates,
                   "private image file(s) (default: a portrait from python-matplotlib-data)");
    app.add_option(
        "--host", hosts, "host image file(s) (default: a photo from palapeli-data)");
    app.add_option(
        "-n,--count", count, "number of images to send (private/host lists are cycled)");
    app.add_option("--bob-snr", bob_snr, "Bob's channel SNR in dB");
    app.add_option("--eve-snr", eve_snr, "Eve's channel SNR in dB");
    app.add_option("--channel", channel, "awgn | rayleigh")
        ->check(CLI::IsMember({ "awgn", "rayleigh" }));
    app.add_option(
        "--crop", crop, "centre-square crop fraction before resizing to the model size");
    app.add_option("--models",
                   models,
                   "folder with the shipped model files (default: $SEMSTEG_MODELS, then the "
                   "installed models, then the source tree's)");
    app.add_option("--lost",
                   lost,
                   "Bob's l̂: auto | zeros | constant:V | gaussian:STD[:SEED] | estimated");
    app.add_option("--key-file",
                   key_file,
                   "the key Alice and Bob share (semsteg-keygen); default: this machine's "
                   "demo key ('demo', made on first use; a warning says so)");
    app.add_option("--passphrase", passphrase, "the shared passphrase instead of a key file");
    app.add_option("-o,--out", out, "output folder");
    app.add_option("--seed", seed, "channel noise seed");
    app.add_option("--threads", threads, "torch threads (0: one per core)");
    CLI11_PARSE(app, argc, argv);

    try {
        semsteg::set_torch_threads(threads);
        if (count < 1)
            throw semsteg::error("--count must be at least 1");
        // Load and check everything before writing anything.
        const auto inn_path = model_path(models, semsteg::default_models::inn);
        // The shipped INN is keyed: with no key given, this machine's demo key (announced).
        key_file = semsteg::key_file_or_demo(
            key_file, passphrase, semsteg::facade::inn::file_is_keyed(inn_path));
        const auto key = semsteg::load_key(key_file, passphrase, [](const std::string& w) {
            std::cerr << "semsteg-demo: warning: " << w << "\n";
        });
        auto m = semsteg::secure_link_models::load(
            model_path(models, semsteg::default_models::codec),
            inn_path,
            optional_model_path(models, semsteg::default_models::mia),
            "",
            lost,
            key);
        const int side = m.codec->config().image_side;
        std::vector<semsteg::image> xp, xh;
        for (int i = 0; i < count; ++i) {
            xp.push_back(semsteg::prepare_image(
                semsteg::load_image(privates[static_cast<size_t>(i) % privates.size()]),
                side,
                crop));
            xh.push_back(semsteg::prepare_image(
                semsteg::load_image(hosts[static_cast<size_t>(i) % hosts.size()]),
                side,
                crop));
        }
        const auto bob_ch
            = semsteg::channel_config::parse(channel + ":" + std::to_string(bob_snr));
        const auto eve_ch
            = semsteg::channel_config::parse(channel + ":" + std::to_string(eve_snr));

        auto gen = at::detail::createCPUGenerator(seed);
        const auto tp = semsteg::images_to_tensor(xp), th = semsteg::images_to_tensor(xh);
        const auto r = semsteg::run_secure_link(m, th, tp, bob_ch, eve_ch, gen);

        fs::create_directories(out);
        const auto bob = semsteg::tensor_to_images(r.secure_bob);
        const auto eve = semsteg::tensor_to_images(r.secure_eve);
        const auto base = semsteg::tensor_to_images(r.baseline_bob);
        std::vector<semsteg::image> mia;
        if (m.mia)
            mia = semsteg::tensor_to_images(r.secure_mia);
        std::vector<semsteg::image> grid;
        for (int i = 0; i < count; ++i) {
            const std::string p
                = (fs::path(out) / ("img" + std::to_string(i) + "_")).string();
            semsteg::save_png(p + "private.png", xp[i]);
            semsteg::save_png(p + "host.png", xh[i]);
            semsteg::save_png(p + "bob.png", bob[i]);
            semsteg::save_png(p + "eve_naive.png", eve[i]);
            semsteg::save_png(p + "baseline_bob.png", base[i]);
            grid.insert(grid.end(), { xp[i], xh[i], bob[i], eve[i] });
            if (m.mia) {
                semsteg::save_png(p + "eve_mia.png", mia[i]);
                grid.push_back(mia[i]);
            }
        }
        std::vector<std::string> labels { "private", "host", "Bob", "Eve naive" };
        if (m.mia)
            labels.push_back("Eve MIA");
        semsteg::save_png(
            (fs::path(out) / "side_by_side.png").string(),
            semsteg::labelled_grid(grid, static_cast<int>(labels.size()), labels));

        auto mean = [](const torch::Tensor& t) {
            return std::optional<double>(t.mean().item<double>());
        };
        // One receiver's mean scores against the private image (and the host, when given).
        auto scores = [&](const std::string& who,
                          const torch::Tensor& rec,
                          bool to_private,
                          bool to_host) {
            semsteg::receiver_scores s;
            s.receiver = who;
            s.images = static_cast<size_t>(count);
            if (to_private) {
                s.psnr_db = mean(semsteg::psnr(rec, tp));
                s.ms_ssim = mean(semsteg::ms_ssim(rec, tp));
            }
            if (to_host) {
                s.psnr_db_host = mean(semsteg::psnr(rec, th));
                s.ms_ssim_host = mean(semsteg::ms_ssim(rec, th));
            }
            return s;
        };
        std::vector<semsteg::receiver_scores> rows {
            scores("Bob (secure)", r.secure_bob, true, false),
            scores("Bob, unprotected DeepJSCC", r.baseline_bob, true, false),
            scores("Eve naive (secure)", r.secure_eve, true, true),
            scores("Eve naive, unprotected DeepJSCC", r.baseline_eve, true, false),
        };
        if (m.mia)
            rows.push_back(scores("Eve MIA (secure)", r.secure_mia, true, true));
        rows.push_back(scores("floor: the host itself", th, true, false));
        nlohmann::ordered_json extra;
        extra["images"] = count;
        extra["bob_channel"] = bob_ch.to_string();
        extra["eve_channel"] = eve_ch.to_string();
        extra["system"] = "secure (INN)";
        extra["seed"] = seed;
        std::string columns = "Columns of side_by_side.png: private, host, Bob, Eve naive";
        columns += m.mia ? ", Eve MIA." : ".";
        const auto table = semsteg::write_receiver_report(
            out, "gr-semsteg demo (loopback simulation)", rows, extra, columns);
        std::cout << table << "\n\nWrote " << fs::absolute(out).string()
                  << "/ (side_by_side.png, img*_{private,host,bob,eve_naive"
                  << (m.mia ? ",eve_mia" : "") << ",baseline_bob}.png, metrics.md, "
                  << "metrics.json)\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "semsteg-demo: error: " << e.what() << "\n";
        return 1;
    }
}
