/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// What a payload can give Bob at best (issue 15's reduced payloads; run by hand, README):
// the private images through the payload's own coding (secure_link.h: private_latent, the
// channel, private_image) with no INN, against the full-size codec, at several SNRs.
#include <semsteg/dataset.h>
#include <semsteg/latent_channel.h>
#include <semsteg/metrics.h>
#include <semsteg/model_io.h>
#include <semsteg/secure_link.h>
#include <semsteg/tensor_images.h>
#include <semsteg/threads.h>

#include <CLI/CLI.hpp>

#include <cstdio>

int main(int argc, char** argv)
{
    std::string folder, range = ":", codec_path, private_codec_path;
    double crop = 1.0;
    int downscale = 2, side = 64, threads = 1;
    std::vector<double> snrs { 5, 10, 20 };
    CLI::App app { "What a reduced payload can give Bob at best (no INN)" };
    app.add_option("--images", folder, "folder of private images")->required();
    app.add_option("--range", range, "BEGIN:END of the sorted files");
    app.add_option("--crop", crop, "centre-square crop fraction");
    app.add_option("--codec", codec_path, "the public codec")->required();
    app.add_option("--private-codec", private_codec_path, "the payload's own codec");
    app.add_option("--private-downscale", downscale, "the payload's downscale S");
    app.add_option("--snr", snrs, "SNRs in dB")->delimiter(',');
    app.add_option("--threads", threads, "torch threads");
    CLI11_PARSE(app, argc, argv);
    try {
        semsteg::set_torch_threads(threads);
        semsteg::image_set::options o;
        o.crop_fraction = crop;
        const auto set = semsteg::image_set::from_folder(folder, o, range);
        std::vector<semsteg::image> images;
        for (size_t i = 0; i < set.size(); ++i)
            images.push_back(set.centered(i, side));
        const auto x = semsteg::images_to_tensor(images);
        auto codec = semsteg::load_jscc(codec_path);
        auto coder
            = private_codec_path.empty() ? codec : semsteg::load_jscc(private_codec_path);
        semsteg::inn_config full_cfg, reduced_cfg;
        full_cfg.channels = reduced_cfg.channels = codec->config().latent_channels();
        reduced_cfg.payload_channels = coder->config().latent_channels();
        reduced_cfg.private_downscale = downscale;
        semsteg::inn full(full_cfg), reduced(reduced_cfg); // (their shapes only)
        torch::NoGradGuard ng;
        std::printf("%zu images; payload: %d channels on the host's grid (full: %d)\n",
                    set.size(),
                    reduced_cfg.secret_channels(),
                    full_cfg.channels);
        for (double snr_db : snrs) {
            const auto snr = torch::full({ x.size(0) }, snr_db);
            const auto ch = semsteg::channel_config::parse("awgn:" + std::to_string(snr_db));
            for (auto* net : { &full, &reduced }) {
                auto& c = net == &full ? *codec : *coder;
                auto gen = at::detail::createCPUGenerator(1);
                const auto y = semsteg::apply_channel_at_snr(
                    semsteg::private_latent(c, **net, x, snr), ch, snr, gen);
                const auto img = semsteg::private_image(c, **net, y, snr);
                std::printf("%s, SNR %g dB: PSNR %.2f dB, MS-SSIM %.4f\n",
                            net == &full ? "full payload" : "this payload",
                            snr_db,
                            semsteg::psnr(img, x).mean().item<double>(),
                            semsteg::ms_ssim(img, x).mean().item<double>());
            }
        }
        if (downscale > 1) {
            namespace F = torch::nn::functional;
            const auto resampled
                = F::interpolate(torch::avg_pool2d(x, downscale),
                                 F::InterpolateFuncOptions()
                                     .scale_factor(std::vector<double> { double(downscale),
                                                                         double(downscale) })
                                     .mode(torch::kBilinear)
                                     .align_corners(false));
            std::printf("resampling alone (no coding, no noise): PSNR %.2f dB\n",
                        semsteg::psnr(resampled, x).mean().item<double>());
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "payload_ceiling: %s\n", e.what());
        return 1;
    }
    return 0;
}
