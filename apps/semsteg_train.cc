/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// semsteg-train: trains one stage (jscc, inn, eve-mia, eve-detector); see lib/include/semsteg/train.h.

#include <semsteg/error.h>
#include <semsteg/threads.h>
#include <semsteg/train.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <optional>
#include <unistd.h>

int main(int argc, char** argv)
{
    CLI::App app {
        "gr-semsteg training: one stage per run, resumable from its last checkpoint"
    };
    semsteg::train_options o;
    std::string faces, hosts_dir, train_range = ":", val_range = ":", host_range = ":",
                                  val_dir, val_host_range = ":";
    double crop = 1.0, host_crop = 1.0, host_min_scale = 0.2;
    int threads = 0;
    double max_megapixels = semsteg::default_max_image_pixels / 1e6;
    app.add_option("stage", o.stage, "jscc | inn | eve-mia | eve-detector | eve-extractor")
        ->required()
        ->check(CLI::IsMember({ "jscc", "inn", "eve-mia", "eve-detector", "eve-extractor" }));
    app.add_option("--images", faces, "folder of training (private) images, e.g. faces")
        ->required();
    app.add_option(
        "--train-range", train_range, "BEGIN:END of the sorted files used to train");
    app.add_option(
        "--val-images", val_dir, "folder of validation images (default: --images)");
    app.add_option("--val-range", val_range, "BEGIN:END of the sorted validation files")
        ->required();
    app.add_option(
        "--crop", crop, "centre-square crop fraction (CelebA 89x109: 0.9888 → 88 px)");
    app.add_option(
        "--hosts", hosts_dir, "folder of host images (default: the training images)");
    app.add_option("--host-range", host_range, "BEGIN:END of the sorted host files");
    app.add_option(
        "--val-host-range", val_host_range, "BEGIN:END of validation hosts (with --hosts)");
    app.add_option("--host-crop", host_crop, "crop fraction for --hosts photos");
    app.add_option(
        "--host-min-scale", host_min_scale, "smallest random-crop scale for --hosts photos");
    app.add_option("-o,--out", o.out_model, "model file to write (resumed if it exists)")
        ->required();
    app.add_option("--csv", o.csv_path, "per-epoch CSV (default: OUT.csv)");
    app.add_option(
        "--codec", o.codec_model, "frozen codec model (inn, eve-mia, eve-detector)");
    app.add_option("--inn", o.inn_model, "INN model (eve-detector, eve-extractor)");
    app.add_option("--steps", o.steps, "total optimiser steps");
    app.add_option(
        "--steps-per-epoch", o.steps_per_epoch, "steps between validation/checkpoints");
    app.add_option("--batch", o.batch, "images (or pairs) per step");
    app.add_option("--lr", o.lr, "Adam learning rate (cosine decay to lr/20)");
    app.add_option("--budget", o.budget_seconds, "wall-clock budget in seconds (0: none)");
    app.add_option("--seed", o.seed, "random seed");
    app.add_option(
        "--channel", o.channel, "none | awgn:SNR | awgn:LO-HI | rayleigh:SNR (dB)");
    app.add_option("--side", o.image_side, "model image side (multiple of 4)");
    app.add_option("--min-crop-scale", o.min_crop_scale, "random-crop scale range [min,1]");
    app.add_option(
        "--val-count", o.validation_images, "validation images (or pairs) per epoch");
    app.add_flag("!--no-resume", o.resume, "start from scratch even if OUT exists");
    app.add_flag("--restart-schedule",
                 o.restart_schedule,
                 "warm restart: the cosine learning-rate schedule starts again at --lr from "
                 "the resumed step and ends at --steps");
    app.add_option("--bcr", o.bcr, "bandwidth compression ratio k/n (jscc)");
    app.add_option("--codec-width", o.codec_width, "codec channels (jscc)");
    app.add_flag("--snr-adaptive",
                 o.snr_adaptive,
                 "jscc: an SNR-adaptive codec (attention feature modules fed the channel "
                 "SNR; give --channel a range, e.g. awgn:0-20)");
    app.add_option("--init-codec",
                   o.init_codec,
                   "jscc, new OUT only: start from this codec file (with --snr-adaptive, a "
                   "plain codec is extended, its new modules starting as the identity)");
    app.add_option(
           "--init-inn",
           o.init_inn,
           "inn, new OUT only: start from this INN file's weights where they fit (e.g. "
           "a full-payload INN for a reduced payload: all but the secret branch's first "
           "and last layers); the rest start fresh")
        ->check(CLI::ExistingFile);
    app.add_flag("--codec-round-trip",
                 o.codec_round_trip,
                 "inn: Alice sends E(D(container)), the container through the public "
                 "codec's round trip, so that what goes on the air is the codec's latent "
                 "of an image (the INN learns to put the payload where the round trip "
                 "keeps it); recorded in the INN file");
    app.add_flag("--round-trip-host-detail",
                 o.round_trip_host_detail,
                 "inn, with --codec-round-trip: Alice adds back what the codec loses of "
                 "the host image before re-encoding, E(D(container) + x_h - D(z_h)) (with "
                 "nothing hidden she would send E(x_h)); recorded in the INN file");
    app.add_option("--inn-blocks", o.inn_blocks, "INN invertible blocks");
    app.add_option("--inn-width", o.inn_width, "INN sub-network width");
    app.add_option("--lost-estimator-width",
                   o.lost_estimator_width,
                   "inn: width of Bob's learned lost-part estimate l̂ = g(received container) "
                   "(0: none, l̂ = 0); added to a resumed INN that lacks one")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--mia-width", o.mia_width, "Eve's inverse-network width");
    app.add_flag(
        "--keyed",
        o.keyed,
        "inn: keyed hiding (a fresh random key and nonces every step, so one INN works "
        "for every key); a resumed keyless INN becomes keyed");
    app.add_option(
        "--private-codec",
        o.private_codec_model,
        "inn, eve-detector: the codec of the private image (a reduced payload's own, "
        "e.g. one trained at the downscaled side; default: --codec)");
    app.add_option("--private-downscale",
                   o.private_downscale,
                   "inn: the payload: 1 hides the whole private latent; 2 or 4 hide the "
                   "latent of the private image downscaled that many times (a reduced "
                   "payload, for covertness)")
        ->check(CLI::Range(1, 8));
    app.add_option("--extractor-width", o.extractor_width, "eve-extractor: network width");
    app.add_option("--known-plaintext",
                   o.known_pairs,
                   "eve-extractor: E7 with N known (container, private image) pairs of "
                   "Alice's traffic (0: E6, containers under keys of Eve's own)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--key-file",
                   o.key_file,
                   "eve-extractor: Alice's key, to make her traffic (E7) and the validation "
                   "containers (default: a key drawn from --seed)");
    app.add_option("--scramble-rounds",
                   o.scramble_rounds,
                   "inn, keyed: rounds of the keyed transform")
        ->check(CLI::PositiveNumber);
    const char* const weight_names[] = { "λ1, the container against the host latent",
                                         "λ2, the lost part against Bob's fill",
                                         "λ3, Bob's private latent",
                                         "λ4, Bob's host latent",
                                         "λ5, Bob's private image" };
    const auto weights = o.loss_weights.by_number();
    for (int i = 0; i < 5; ++i)
        app.add_option("--lambda" + std::to_string(i + 1),
                       *weights[i],
                       std::string("INN loss weight ") + weight_names[i]);
    app.add_option(
           "--lambda6",
           o.loss_weights.host_image,
           "INN loss weight λ6 (extension, default 0): Eve's decoding of the received "
           "container against the host image (see --host-image-loss)")
        ->check(CLI::NonNegativeNumber);
    app.add_option("--host-image-loss", o.host_image_loss, "λ6's distance: mse or ms-ssim")
        ->check(CLI::IsMember({ "mse", "ms-ssim" }));
    app.add_option(
        "--lambda-host-mse",
        o.lambda_host_mse,
        "inn: weight of the MSE of Eve's picture to the host (beside an MS-SSIM λ6)");
    app.add_option("--host-face-fraction",
                   o.host_face_fraction,
                   "inn, eve-detector with --hosts: fraction of pairs with a face as host");
    app.add_option("--adversaries",
                   o.adversaries,
                   "inn: detectors trained alongside (covert training; 0: none)");
    app.add_option("--adversary-width", o.adversary_width, "inn: the adversaries' width");
    app.add_option("--adversary-refresh",
                   o.adversary_refresh_steps,
                   "inn: steps between replacing the weakest adversary (0: never)");
    app.add_option("--adversary-steps",
                   o.adversary_steps,
                   "inn: adversary updates per INN step, each on its own channel draw");
    app.add_flag("--calibrated-adversaries",
                 o.calibrated_adversaries,
                 "inn: calibrated adversaries, reading the received signal and y - E(D(y)) "
                 "(the kind of detector eve-detector --calibrated trains)");
    app.add_option("--lambda-adversarial",
                   o.lambda_adversarial,
                   "inn: weight of evading the adversaries (see --evasion)");
    app.add_option("--evasion",
                   o.evasion,
                   "inn: evade the strongest adversary on each batch, or the mean of all")
        ->check(CLI::IsMember({ "strongest", "mean" }));
    app.add_option("--lambda-statistics",
                   o.lambda_statistics,
                   "inn: weight of the container/plain statistics gap (moments, spectra, "
                   "correlations, MMD)");
    app.add_option("--lambda-discriminant",
                   o.lambda_discriminant,
                   "inn: weight of Fisher's discriminant distance between the statistics of "
                   "containers and plain latents (what a linear steganalyst exploits)");
    app.add_option("--lambda-calibrated",
                   o.lambda_calibrated,
                   "inn: weight of Fisher's discriminant distance between the calibrated "
                   "statistics (of y and of y - E(D(y))) of received containers and received "
                   "plain latents (what E10's calibrated steganalyst exploits)");
    app.add_flag("--calibrated",
                 o.calibrated_detector,
                 "eve-detector: a calibrated detector, reading the received latent and what "
                 "the public codec cannot explain in it, y - E(D(y))");
    app.add_option("--detector-width",
                   o.detector_width,
                   "eve-detector: width (32: the E3 detector; wider: a fresh steganalyst)");
    app.add_option("--encode-snr",
                   o.encode_snr_db,
                   "eve-detector: the SNR (dB) Alice's SNR-adaptive encoder is told, her "
                   "link's target (Bob's); default: each pair's --channel SNR (Eve's)");
    app.add_flag("--round-trip-control",
                 o.round_trip_control,
                 "eve-detector, without --inn: a control; the second class is the host's "
                 "latent through the public codec's round trip, E(D(E(x))), in place of a "
                 "container (is the round trip alone detectable?)");
    app.add_flag(
        "--round-trip-plain",
        o.round_trip_plain,
        "eve-detector, with --inn: the plain class is the host's latent through the "
        "public codec's round trip, E(D(E(x))), in place of E(x) (what do containers "
        "leave beyond the round trip?)");
    app.add_option("--threads", threads, "torch threads (0: one per core)");
    app.add_option("--device",
                   o.device,
                   "cpu, cuda or cuda:N (cuda needs semsteg-train built against a CUDA "
                   "LibTorch: -DSEMSTEG_TRAINING_ONLY=ON, README, On a GPU)");
    app.add_option("--max-megapixels",
                   max_megapixels,
                   "largest image decoded (width × height, in megapixels); larger files are "
                   "refused from their header")
        ->check(CLI::PositiveNumber);
    CLI11_PARSE(app, argc, argv);
    if (o.csv_path.empty())
        o.csv_path = o.out_model + ".csv";

    try {
        const int used = semsteg::set_torch_threads(threads);
        semsteg::set_max_image_pixels(static_cast<uint64_t>(max_megapixels * 1e6));
        semsteg::image_set::options face_opts;
        face_opts.crop_fraction = crop;
        face_opts.max_side = 4 * o.image_side;
        auto train = semsteg::image_set::from_folder(faces, face_opts, train_range);
        auto val = semsteg::image_set::from_folder(
            val_dir.empty() ? faces : val_dir, face_opts, val_range);
        std::optional<semsteg::image_set> hosts, val_hosts;
        if (!hosts_dir.empty()) {
            semsteg::image_set::options host_opts;
            host_opts.crop_fraction = host_crop;
            host_opts.max_side = 1024;
            hosts = semsteg::image_set::from_folder(hosts_dir, host_opts, host_range);
            val_hosts = semsteg::image_set::from_folder(hosts_dir, host_opts, val_host_range);
        }
        std::cerr << "semsteg-train " << o.stage << ": " << train.size()
                  << " training images (" << train.skipped() << " unreadable skipped), "
                  << val.size() << " validation images (" << val.skipped() << " skipped)";
        if (hosts)
            std::cerr << ", " << hosts->size() << " hosts";
        std::cerr << ", " << used << " torch threads, device " << o.device << "\n";
        if (hosts)
            o.host_min_crop_scale = host_min_scale;

        semsteg::training_data data;
        data.train = &train;
        data.validation = &val;
        data.hosts = hosts ? &*hosts : nullptr;
        data.validation_hosts = val_hosts ? &*val_hosts : nullptr;

        const bool tty = isatty(STDERR_FILENO);
        auto last_print = std::chrono::steady_clock::now() - std::chrono::hours(1);
        auto progress = [&](const std::string& line, bool final) {
            const auto now = std::chrono::steady_clock::now();
            if (tty) {
                std::cerr << "\r\033[K" << line << (final ? "\n" : "") << std::flush;
            } else if (final || now - last_print > std::chrono::seconds(30)) {
                std::cerr << line << "\n" << std::flush;
                last_print = now;
            }
        };
        const auto r = semsteg::run_training(o, data, progress);
        std::cerr << "semsteg-train " << o.stage << ": step " << r.step << "/" << o.steps
                  << (r.finished ? " (finished)" : " (budget reached; run again to resume)")
                  << ", model " << o.out_model << "\n";
        return 0;
    } catch (const std::exception& e) {
        std::cerr << "semsteg-train: error: " << e.what() << "\n";
        return 1;
    }
}
