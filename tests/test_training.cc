/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
// Short runs of every training stage on images from Debian packages (no face data set needed):
// each must lower its loss, checkpoint, and resume where it stopped.
#include <semsteg/error.h>
#include <semsteg/model_file.h>
#include <semsteg/nn.h>
#include <semsteg/threads.h>
#include <semsteg/train.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using namespace semsteg;

namespace {

// Photos (palapeli-data) give many random multi-scale crops; portraits (gtkmorph-example,
// python-matplotlib-data) validate.
const char* photo_dir = "/usr/share/palapeli/collection";
const char* portrait_dir = "/usr/share/xmorph/example";

class Training : public ::testing::Test
{
protected:
    static void SetUpTestSuite()
    {
        // One torch thread: ctest runs tests side by side, and OpenMP's two threads waiting on a
        // busy core made this test ~100× slower (5 s alone, 480 s beside another busy process).
        set_torch_threads(1);
        dir = fs::temp_directory_path()
            / ("semsteg_test_training_" + std::to_string(::getpid()));
        fs::create_directories(dir);
        image_set::options o;
        o.max_side = 256;
        train = new image_set(image_set::from_folder(photo_dir, o));
        val = new image_set(image_set::from_folder(portrait_dir, o));
    }
    static void TearDownTestSuite()
    {
        delete train;
        delete val;
        fs::remove_all(dir);
    }

    static train_options small(const std::string& stage, const std::string& out)
    {
        train_options o;
        o.stage = stage;
        o.out_model = (dir / out).string();
        o.csv_path = o.out_model + ".csv";
        o.codec_model = (dir / "codec.st").string();
        o.inn_model = (dir / "inn.st").string();
        o.image_side = 32;
        o.batch = 8;
        o.steps = 60;
        o.steps_per_epoch = 15;
        o.lr = 2e-3;
        o.min_crop_scale = 0.1;
        o.validation_images = 8;
        o.codec_width = 32;
        o.inn_blocks = 2;
        o.inn_width = 16;
        o.mia_width = 32;
        return o;
    }

    static training_data data() { return { train, nullptr, val, nullptr }; }

    //! A small keyed INN stage on `codec`, written to `out`.
    static train_options keyed_inn(const std::string& out, const std::string& codec)
    {
        auto o = small("inn", out);
        o.codec_model = codec;
        o.keyed = true;
        return o;
    }

    //! The same options writing another file.
    static train_options writing(train_options o, const std::string& out)
    {
        o.out_model = (dir / out).string();
        o.csv_path = o.out_model + ".csv";
        return o;
    }

    //! Whether training with `bad` is refused by an error that names `option` (and not
    //! by some other failure).
    static bool refused_naming(const train_options& bad, const std::string& option)
    {
        try {
            run_training(bad, data(), {});
        } catch (const error& e) {
            return std::string(e.what()).find(option) != std::string::npos;
        }
        return false;
    }

    //! A small codec trained for `steps` into `name`; returns its path.
    static std::string trained_codec(const std::string& name, int64_t steps)
    {
        auto o = small("jscc", name);
        o.steps = steps;
        run_training(o, data(), {});
        return o.out_model;
    }

    static inline fs::path dir;
    static inline image_set* train = nullptr;
    static inline image_set* val = nullptr;
};

} // namespace

// The stages depend on each other (codec → INN → detector), so they run in one order.
TEST_F(Training, EveryStageLowersItsLossAndResumes)
{
    auto jscc = small("jscc", "codec.st");
    const auto r = run_training(jscc, data(), {});
    EXPECT_TRUE(r.finished);
    EXPECT_EQ(r.step, 60);
    EXPECT_LT(r.last_loss, 0.8 * r.first_loss)
        << "jscc " << r.first_loss << " → " << r.last_loss;
    const auto file = read_model_file(jscc.out_model, kind_jscc);
    EXPECT_EQ(file.info.at("step"), "60");
    EXPECT_TRUE(file.info.count("val_psnr"));
    EXPECT_TRUE(fs::exists(jscc.csv_path));

    // Resume: more steps continue from 60, not from scratch; a warm restart records where
    // its schedule began, so that a later resume keeps it.
    jscc.steps = 75;
    jscc.restart_schedule = true;
    const auto resumed = run_training(jscc, data(), {});
    EXPECT_EQ(resumed.step, 75);
    EXPECT_EQ(read_model_file(jscc.out_model).info.at("step"), "75");
    EXPECT_EQ(read_model_file(jscc.out_model).info.at("schedule_start"), "60");
    jscc.steps = 80;
    jscc.restart_schedule = false;
    run_training(jscc, data(), {});
    EXPECT_EQ(read_model_file(jscc.out_model).info.at("schedule_start"), "60");

    auto innopt = small("inn", "inn.st");
    const auto ri = run_training(innopt, data(), {});
    EXPECT_LT(ri.last_loss, 0.8 * ri.first_loss)
        << "inn " << ri.first_loss << " → " << ri.last_loss;
    EXPECT_TRUE(read_model_file(innopt.out_model, kind_inn).info.count("bob_psnr"));

    // Carrying the INN on with Bob's learned l̂ added: the blocks resume, the estimator trains.
    auto est = small("inn", "inn_est.st");
    fs::copy_file(innopt.out_model, est.out_model);
    est.steps = 90;
    est.lost_estimator_width = 8;
    const auto re = run_training(est, data(), {});
    EXPECT_EQ(re.step, 90);
    EXPECT_TRUE(std::isfinite(re.last_loss));
    auto with_estimator = load_inn(est.out_model);
    ASSERT_TRUE(with_estimator->has_lost_estimator());
    EXPECT_EQ(with_estimator->config().lost_estimator_width, 8);
    {
        torch::NoGradGuard ng;
        const auto zc = torch::randn({ 2, with_estimator->config().channels, 4, 4 });
        EXPECT_GT(with_estimator->estimate_lost(zc).abs().max().item<double>(), 0.0)
            << "the estimator starts at zero and must have moved";
    }

    // λ6 (Eve's decoding of the container against the host image), either distance
    // (measured: host MS-SSIM 0.379 with mse, 0.387 with ms-ssim, 0.362 without).
    for (const char* distance : { "mse", "ms-ssim" }) {
        auto host6 = small("inn", std::string("inn_host6_") + distance + ".st");
        host6.loss_weights.host_image = 5;
        host6.host_image_loss = distance;
        const auto r6 = run_training(host6, data(), {});
        EXPECT_LT(r6.last_loss, 0.8 * r6.first_loss)
            << "inn λ6 " << distance << " " << r6.first_loss << " → " << r6.last_loss;
        EXPECT_GT(r6.first_loss, ri.first_loss) << "the λ6 term is missing from the loss";
        const auto info = read_model_file(host6.out_model).info;
        EXPECT_EQ(info.at("loss_weights"), "1,1,2,1,100,5");
        EXPECT_EQ(info.at("host_image_loss"), distance);
        // Same seed and start as the run without λ6: Eve's view of the host must gain.
        EXPECT_GT(std::stod(info.at("eve_msssim_host")),
                  std::stod(read_model_file(innopt.out_model).info.at("eve_msssim_host")))
            << distance;
    }

    auto mia = small("eve-mia", "mia.st");
    const auto rm = run_training(mia, data(), {});
    EXPECT_LT(rm.last_loss, 0.8 * rm.first_loss)
        << "mia " << rm.first_loss << " → " << rm.last_loss;
    EXPECT_NO_THROW(load_mia(mia.out_model));

    auto det = small("eve-detector", "det.st");
    det.steps = 90;
    const auto rd = run_training(det, data(), {});
    EXPECT_LT(rd.last_loss, rd.first_loss)
        << "detector " << rd.first_loss << " → " << rd.last_loss;
    EXPECT_NO_THROW(load_detector(det.out_model));

    // A reduced payload (the private image downscaled twice): it learns as the full one
    // does, records its payload, and trains keyed too; Eve's detector trains against its
    // containers; her extractors read full payloads only (a clear error).
    auto reduced = small("inn", "inn_reduced.st");
    reduced.private_downscale = 2;
    const auto rr = run_training(reduced, data(), {});
    EXPECT_LT(rr.last_loss, 0.8 * rr.first_loss)
        << "reduced-payload inn " << rr.first_loss << " → " << rr.last_loss;
    EXPECT_EQ(load_inn(reduced.out_model)->config().private_downscale, 2);
    auto reduced_keyed = keyed_inn("inn_reduced_keyed.st", jscc.out_model);
    reduced_keyed.private_downscale = 2;
    reduced_keyed.steps = 15;
    const auto rk = run_training(reduced_keyed, data(), {});
    EXPECT_TRUE(rk.finished && std::isfinite(rk.last_loss));
    EXPECT_TRUE(load_inn(reduced_keyed.out_model)->config().keyed);
    reduced.private_downscale = 4; // resuming it as another payload: refused
    EXPECT_THROW(run_training(reduced, data(), {}), error);
    auto det_reduced = small("eve-detector", "det_reduced.st");
    det_reduced.inn_model = reduced.out_model;
    det_reduced.codec_model = jscc.out_model;
    det_reduced.steps = 30;
    EXPECT_TRUE(run_training(det_reduced, data(), {}).finished);
    // Alice's encoder told her link's target SNR (public) while Eve's channel is drawn;
    // an SNR that is no SNR is refused before anything is written.
    auto det_target = writing(det_reduced, "det_target.st");
    det_target.encode_snr_db = 10;
    det_target.steps = 15;
    EXPECT_TRUE(run_training(det_target, data(), {}).finished);
    EXPECT_EQ(
        std::stod(
            read_model_file(det_target.out_model, kind_detector).info.at("encode_snr_db")),
        10.0);
    auto det_bad_target = writing(det_target, "det_bad_target.st");
    det_bad_target.encode_snr_db = 100;
    EXPECT_THROW(run_training(det_bad_target, data(), {}), error);
    EXPECT_FALSE(fs::exists(det_bad_target.out_model));
    // With a private codec of its own (any codec file; here another small one): recorded
    // in the INN, required when it resumes, and by Eve's detector.
    auto own = small("inn", "inn_reduced_own_codec.st");
    own.private_downscale = 2;
    own.private_codec_model = trained_codec("private_codec.st", 15);
    own.steps = 15;
    EXPECT_TRUE(run_training(own, data(), {}).finished);
    EXPECT_EQ(read_model_file(own.out_model, kind_inn).info.at(inn_private_codec_key),
              read_model_file(own.private_codec_model, kind_jscc).data_sha256);
    auto own_resumed = own;
    own_resumed.private_codec_model.clear();
    own_resumed.steps = 30;
    EXPECT_THROW(run_training(own_resumed, data(), {}), error);
    auto det_own = writing(det_reduced, "det_own.st");
    det_own.inn_model = own.out_model;
    EXPECT_THROW(run_training(det_own, data(), {}), error); // no private codec given
    det_own.private_codec_model = own.private_codec_model;
    EXPECT_TRUE(run_training(det_own, data(), {}).finished);

    // A lower-rate private codec started from the codec at another rate (every layer but
    // the latent's own two), and an INN hiding its 4-channel latents.
    auto quarter = small("jscc", "codec_1_24.st");
    quarter.init_codec = jscc.out_model;
    quarter.bcr = 1.0 / 24;
    quarter.steps = 15;
    std::vector<std::string> notes;
    EXPECT_TRUE(run_training(quarter, data(), [&](const std::string& line, bool) {
                    notes.push_back(line);
                }).finished);
    EXPECT_EQ(load_jscc(quarter.out_model)->config().latent_channels(), 4);
    EXPECT_NE(notes.front().find("start fresh"), std::string::npos) << notes.front();
    auto lower = small("inn", "inn_lower_rate.st");
    lower.private_codec_model = quarter.out_model;
    lower.steps = 15;
    EXPECT_TRUE(run_training(lower, data(), {}).finished);
    EXPECT_EQ(load_inn(lower.out_model)->config().secret_channels(), 4);
    // The same warm-started from the full-payload INN: all but the secret branch's first
    // and last layers come over (said in a note), and it trains on.
    auto lower_init = small("inn", "inn_lower_init.st");
    lower_init.private_codec_model = quarter.out_model;
    lower_init.init_inn = innopt.out_model;
    lower_init.steps = 15;
    notes.clear();
    EXPECT_TRUE(run_training(lower_init, data(), [&](const std::string& line, bool) {
                    notes.push_back(line);
                }).finished);
    ASSERT_FALSE(notes.empty());
    int copied = 0, total = 0;
    ASSERT_EQ(
        std::sscanf(notes.front().c_str(), "note: --init-inn: %d of %d", &copied, &total), 2)
        << notes.front();
    const int blocks = load_inn(innopt.out_model)->config().blocks;
    // Fresh per block: Φ's first weight (its bias fits), ρ's and η's last weight and bias.
    EXPECT_EQ(total - copied, 5 * blocks) << notes.front();
    EXPECT_EQ(load_inn(lower_init.out_model)->config().secret_channels(), 4);
    auto ext_reduced = small("eve-extractor", "ext_reduced.st");
    ext_reduced.inn_model = reduced.out_model;
    ext_reduced.codec_model = jscc.out_model;
    EXPECT_THROW(run_training(ext_reduced, data(), {}), error);
}

// The SNR-adaptive codec: extended from a trained plain codec, it starts where that codec
// is and lowers its loss over an SNR range; it is monitored at the range's ends and middle.
TEST_F(Training, SnrAdaptiveCodecExtendsAPlainOneAndLearns)
{
    auto plain = small("jscc", "adaptive_base.st");
    plain.steps = 30;
    plain.channel = "awgn:0-20";
    run_training(plain, data(), {});

    auto o = small("jscc", "adaptive.st");
    o.init_codec = plain.out_model;
    o.snr_adaptive = true;
    o.channel = "awgn:0-20";
    o.steps = 90;
    const auto r = run_training(o, data(), {});
    EXPECT_TRUE(r.finished);
    auto codec = load_jscc(o.out_model);
    EXPECT_TRUE(codec->snr_adaptive());
    const auto info = read_model_file(o.out_model).info;
    for (const char* key : { "val_psnr_0dB", "val_psnr_10dB", "val_psnr_20dB" })
        EXPECT_TRUE(info.count(key)) << key;
    EXPECT_GT(std::stod(info.at("val_psnr_20dB")), std::stod(info.at("val_psnr_0dB")));
    EXPECT_LT(r.last_loss, r.first_loss) << r.first_loss << " → " << r.last_loss;
    // Its first epoch starts from the plain codec's quality (identity modules): the plain
    // codec's last logged loss and the adaptive one's first are of the same size.
    EXPECT_LT(r.first_loss,
              1.5 * std::stod(read_model_file(plain.out_model).info.at("train_loss")));

    // Resuming a plain codec file as adaptive is a clear error.
    auto wrong = small("jscc", "adaptive_base.st");
    wrong.snr_adaptive = true;
    wrong.steps = 45;
    EXPECT_THROW(run_training(wrong, data(), {}), error);
}

// Eve's trained attackers against the SNR-adaptive codec (the final system): her inverse
// network (E2) and her extractor (E6) are trained on latents that Alice's adaptive encoder
// made at the channel's SNR (each image's SNR drawn from the range), so both learn.
TEST_F(Training, EveNetworksTrainAgainstAnSnrAdaptiveCodec)
{
    auto codec = small("jscc", "adaptive_eve_codec.st");
    codec.snr_adaptive = true;
    codec.channel = "awgn:0-20";
    codec.steps = 30;
    run_training(codec, data(), {});

    auto mia = small("eve-mia", "adaptive_mia.st");
    mia.codec_model = codec.out_model;
    mia.channel = "awgn:5-20";
    const auto rm = run_training(mia, data(), {});
    EXPECT_TRUE(rm.finished);
    EXPECT_LT(rm.last_loss, 0.8 * rm.first_loss) << rm.first_loss << " → " << rm.last_loss;

    auto inn = keyed_inn("adaptive_eve_inn.st", codec.out_model);
    inn.channel = "awgn:5-20";
    inn.steps = 30;
    run_training(inn, data(), {});

    auto e6 = small("eve-extractor", "adaptive_e6.st");
    e6.codec_model = codec.out_model;
    e6.inn_model = inn.out_model;
    e6.channel = "awgn:5-20";
    e6.extractor_width = 16;
    e6.steps = 45;
    const auto r6 = run_training(e6, data(), {});
    EXPECT_TRUE(r6.finished);
    EXPECT_LT(r6.last_loss, r6.first_loss) << r6.first_loss << " → " << r6.last_loss;

    // Against another codec than the INN's own, Eve's stages refuse before training.
    auto other = read_model_file(codec.out_model, kind_jscc);
    auto& weights = other.tensors.begin()->second.bytes;
    weights[0] = static_cast<uint8_t>(weights[0] ^ 1u);
    const auto other_path = (dir / "other_codec.st").string();
    write_model_file(other_path, other);
    auto mismatched = writing(e6, "mismatched_e6.st");
    mismatched.codec_model = other_path;
    try {
        run_training(mismatched, data(), {});
        ADD_FAILURE() << "an extractor trained against another codec than the INN's";
    } catch (const error& e) {
        EXPECT_NE(std::string(e.what()).find("another codec"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(fs::exists(mismatched.out_model));
}

// Keyed hiding: a fresh random key every step; the file records that the INN is keyed and
// the loss falls. A keyless INN carried on with keys becomes keyed.
TEST_F(Training, KeyedInnLearnsWithRandomKeys)
{
    const auto codec = trained_codec("keyed_codec.st", 45);

    auto o = keyed_inn("keyed_inn.st", codec);
    o.steps = 600;
    o.steps_per_epoch = 100;
    const auto r = run_training(o, data(), {});
    EXPECT_LT(r.last_loss, 0.8 * r.first_loss) << r.first_loss << " → " << r.last_loss;
    const auto file = read_model_file(o.out_model, kind_inn);
    EXPECT_TRUE(load_inn(o.out_model)->config().keyed);
    // What Eve gets running the INN backwards without the key is monitored. (Whether Bob
    // beats her is a property of real training, measured on faces: models/training/.)
    ASSERT_TRUE(file.info.count("eve_inn_nokey_msssim_private"));
    EXPECT_TRUE(std::isfinite(std::stod(file.info.at("eve_inn_nokey_msssim_private"))));

    auto keyless = small("inn", "keyless_then_keyed.st");
    keyless.codec_model = codec;
    keyless.steps = 15;
    run_training(keyless, data(), {});
    EXPECT_FALSE(load_inn(keyless.out_model)->config().keyed);
    keyless.keyed = true;
    keyless.steps = 30;
    run_training(keyless, data(), {});
    EXPECT_TRUE(load_inn(keyless.out_model)->config().keyed);
    // ...and a keyed file cannot be carried on without keys.
    keyless.keyed = false;
    keyless.steps = 45;
    EXPECT_THROW(run_training(keyless, data(), {}), error);
}

// An INN whose containers go through the public codec's round trip learns through the
// frozen codec (gradients through D and E); the file records the round trip, a resumed one
// keeps it, and an INN carried on with --codec-round-trip takes it on with its weights.
// (What the round trip does to Eve's steganalysis needs a real codec: measured on faces,
// models/training/.)
TEST_F(Training, ARoundTripInnLearnsThroughTheCodec)
{
    const auto codec = trained_codec("round_trip_codec.st", 45);
    auto o = small("inn", "round_trip_inn.st");
    o.codec_model = codec;
    o.codec_round_trip = true;
    o.steps = 120;
    o.steps_per_epoch = 30;
    const auto r = run_training(o, data(), {});
    // Measured: 7.40 → 6.42 (a 45-step codec's round trip loses much of any payload).
    EXPECT_LT(r.last_loss, 0.92 * r.first_loss) << r.first_loss << " → " << r.last_loss;
    EXPECT_TRUE(load_inn(o.out_model)->config().codec_round_trip);
    auto without = writing(o, "as_made_inn.st");
    without.codec_round_trip = false;
    run_training(without, data(), {});
    EXPECT_FALSE(load_inn(without.out_model)->config().codec_round_trip);
    o.codec_round_trip = false; // resumed: the file's setting carries on
    o.steps = 150;
    run_training(o, data(), {});
    EXPECT_TRUE(load_inn(o.out_model)->config().codec_round_trip);
    without.codec_round_trip = true; // carried on through the round trip
    without.steps = 150;
    run_training(without, data(), {});
    EXPECT_TRUE(load_inn(without.out_model)->config().codec_round_trip);
}

// --round-trip-host-detail: the INN learns through E(D(z_c) + x_h − D(z_h)) (the host's
// detail back before the round trip); the file records it, an INN carried on takes it on
// with its weights, and misuse is refused with an error naming the option.
TEST_F(Training, AnInnLearnsWithTheHostsDetailBackBeforeTheRoundTrip)
{
    const auto codec = trained_codec("detail_codec.st", 45);
    auto o = small("inn", "detail_inn.st");
    o.codec_model = codec;
    o.codec_round_trip = true;
    o.round_trip_host_detail = true;
    o.steps = 120;
    o.steps_per_epoch = 30;
    const auto r = run_training(o, data(), {});
    std::cerr << "loss with the host's detail " << r.first_loss << " → " << r.last_loss
              << "\n";
    EXPECT_LT(r.last_loss, 0.92 * r.first_loss) << r.first_loss << " → " << r.last_loss;
    EXPECT_TRUE(load_inn(o.out_model)->config().round_trip_host_detail);
    auto resumed = o; // resumed: the file's setting carries on
    resumed.round_trip_host_detail = false;
    resumed.steps = 135;
    run_training(resumed, data(), {});
    EXPECT_TRUE(load_inn(o.out_model)->config().round_trip_host_detail);
    auto carried = writing(o, "detail_carried.st"); // a round-trip INN takes it on
    carried.round_trip_host_detail = false;
    carried.steps = 15;
    run_training(carried, data(), {});
    EXPECT_FALSE(load_inn(carried.out_model)->config().round_trip_host_detail);
    carried.round_trip_host_detail = true;
    carried.steps = 30;
    run_training(carried, data(), {});
    EXPECT_TRUE(load_inn(carried.out_model)->config().round_trip_host_detail);
    auto no_trip = writing(o, "detail_no_trip.st");
    no_trip.codec_round_trip = false;
    EXPECT_TRUE(refused_naming(no_trip, "--round-trip-host-detail"));
    auto other_stage = writing(o, "detail_detector.st");
    other_stage.stage = "eve-detector";
    other_stage.inn_model = o.out_model;
    EXPECT_TRUE(refused_naming(other_stage, "--round-trip-host-detail"));
    EXPECT_FALSE(fs::exists(no_trip.out_model) || fs::exists(other_stage.out_model));
}

// The round-trip control: a detector of plain latents against their own round trip
// E(D(E(x))), with no INN. A short codec's round trip is far from the identity, so the
// control learns it; it is labelled a control, and refuses an INN or another stage.
TEST_F(Training, TheRoundTripControlDetectsAShortCodecsRoundTrip)
{
    const auto codec = trained_codec("control_codec.st", 45);
    auto o = small("eve-detector", "control_det.st");
    o.codec_model = codec;
    o.inn_model.clear();
    o.round_trip_control = true;
    o.steps = 90;
    const auto r = run_training(o, data(), {});
    // Measured: 0.677 → 0.539 (the same with the plain latent as its own "round trip": 0.694 → 0.694).
    EXPECT_LT(r.last_loss, 0.9 * r.first_loss) << r.first_loss << " → " << r.last_loss;
    const auto info = read_model_file(o.out_model).info;
    EXPECT_EQ(info.at("round_trip_control"), "true");
    EXPECT_NO_THROW(load_detector(o.out_model));
    // Misuse is refused with an error naming the option (not some other failure).
    const auto refused = [](const train_options& bad) {
        return refused_naming(bad, "--round-trip-control");
    };
    auto with_inn = writing(o, "control_with_inn.st");
    with_inn.inn_model = codec; // any path: the option alone is refused with an INN
    EXPECT_TRUE(refused(with_inn));
    auto other_stage = writing(o, "control_mia.st");
    other_stage.stage = "eve-mia";
    EXPECT_TRUE(refused(other_stage));
    EXPECT_FALSE(fs::exists(with_inn.out_model) || fs::exists(other_stage.out_model));
    auto resumed_as_steganalyst = o; // its file is a control: carried on as one only
    resumed_as_steganalyst.round_trip_control = false;
    resumed_as_steganalyst.steps = 120;
    EXPECT_TRUE(refused(resumed_as_steganalyst));
    o.steps = 105; // carried on as a control, it keeps its label
    EXPECT_TRUE(run_training(o, data(), {}).finished);
    EXPECT_EQ(read_model_file(o.out_model).info.at("round_trip_control"), "true");
}

// --round-trip-plain: the detector's plain class goes through the same round trip as a
// round-trip INN's containers, so what it finds is what the hiding leaves beyond the round
// trip. On a short codec the round trip is most of the signature: the same-seed detector
// against plain E(x) learns far more. The file records the option; misuse is refused.
TEST_F(Training, RoundTripPlainLatentsTakeTheRoundTripOutOfTheSignature)
{
    const auto codec = trained_codec("rt_plain_codec.st", 45);
    auto inn_o = small("inn", "rt_plain_inn.st");
    inn_o.codec_model = codec;
    inn_o.codec_round_trip = true;
    run_training(inn_o, data(), {});
    auto against_x = small("eve-detector", "rt_plain_vs_x.st");
    against_x.codec_model = codec;
    against_x.inn_model = inn_o.out_model;
    against_x.steps = 90;
    const auto rx = run_training(against_x, data(), {});
    auto against_rt = writing(against_x, "rt_plain_vs_rt.st");
    against_rt.round_trip_plain = true;
    const auto rr = run_training(against_rt, data(), {});
    std::cerr << "detector loss against E(x) " << rx.first_loss << " → " << rx.last_loss
              << ", against E(D(E(x))) " << rr.first_loss << " → " << rr.last_loss << "\n";
    // Measured: 0.684 → 0.570 against E(x), 0.695 → 0.665 against E(D(E(x))).
    EXPECT_GT(rr.last_loss, rx.last_loss + 0.05);
    EXPECT_EQ(read_model_file(against_rt.out_model).info.at("round_trip_plain"), "true");
    EXPECT_EQ(read_model_file(against_x.out_model).info.count("round_trip_plain"), 0u);
    const auto refused
        = [](const train_options& bad) { return refused_naming(bad, "--round-trip-plain"); };
    auto both = writing(against_rt, "rt_plain_and_control.st");
    both.round_trip_control = true;
    both.inn_model.clear();
    EXPECT_TRUE(refused(both));
    auto other_stage = writing(against_rt, "rt_plain_mia.st");
    other_stage.stage = "eve-mia";
    EXPECT_TRUE(refused(other_stage));
    auto resumed_plain = against_x; // trained against E(x): carried on only as such
    resumed_plain.round_trip_plain = true;
    resumed_plain.steps = 105;
    EXPECT_TRUE(refused(resumed_plain));
    auto resumed_rt = against_rt;
    resumed_rt.round_trip_plain = false;
    resumed_rt.steps = 105;
    EXPECT_TRUE(refused(resumed_rt));
}

// Covert training: from one seed, the adversarial term lowers what the training detectors
// achieve and the statistics term lowers the statistics gap, against the same run without
// them; the detectors resume with the run. Then a fresh steganalyst (E10: wider, trained
// after the INN is frozen, over an SNR range, containers under keys of its own) trains on
// the keyed INN and reports its ROC AUC.
TEST_F(Training, CovertTermsLowerWhatTheyTarget)
{
    const auto codec = trained_codec("covert_codec.st", 45);
    auto base = keyed_inn("covert_monitor.st", codec);
    base.steps = 150;
    base.steps_per_epoch = 50;
    base.validation_images = 16;
    base.adversaries = 2;
    base.adversary_width = 16;
    run_training(base, data(), {});
    const auto info = read_model_file(base.out_model).info;
    ASSERT_TRUE(info.count("adversary_accuracy"));
    ASSERT_TRUE(info.count("statistics_gap"));
    EXPECT_TRUE(fs::exists(base.out_model + ".adversaries"));

    auto adv = writing(base, "covert_adv.st");
    adv.lambda_adversarial = 1;
    run_training(adv, data(), {});
    const auto adv_info = read_model_file(adv.out_model).info;
    // The training detectors' advantage over the last steps (4 validation pairs are too few).
    std::cerr << "adversary running accuracy: with the term "
              << adv_info.at("adversary_running_accuracy") << ", without "
              << info.at("adversary_running_accuracy") << "; statistics gap without "
              << info.at("statistics_gap") << "\n";
    EXPECT_LT(std::stod(adv_info.at("adversary_running_accuracy")),
              std::stod(info.at("adversary_running_accuracy")) - 0.1);
    EXPECT_NE(adv_info.at("covert").find("lambda_adversarial=1"), std::string::npos);
    EXPECT_NE(adv_info.at("covert").find("evasion=strongest"), std::string::npos);

    // Evading the adversaries' mean instead of the strongest: the advantage falls too.
    auto adv_mean = writing(base, "covert_adv_mean.st");
    adv_mean.lambda_adversarial = 1;
    adv_mean.evasion = "mean";
    run_training(adv_mean, data(), {});
    const auto mean_info = read_model_file(adv_mean.out_model).info;
    std::cerr << "adversary running accuracy, evading their mean: "
              << mean_info.at("adversary_running_accuracy") << "\n";
    EXPECT_LT(std::stod(mean_info.at("adversary_running_accuracy")),
              std::stod(info.at("adversary_running_accuracy")) - 0.1);
    EXPECT_NE(mean_info.at("covert").find("evasion=mean"), std::string::npos);
    // More adversary updates per INN step: a stronger opponent on the same run (no
    // evasion term here, so the INN does not move differently and only the adversaries'
    // training differs).
    auto more_updates = writing(base, "covert_adv_steps.st");
    more_updates.adversary_steps = 4;
    run_training(more_updates, data(), {});
    const auto more_info = read_model_file(more_updates.out_model).info;
    std::cerr << "adversary running accuracy, 4 updates per step: "
              << more_info.at("adversary_running_accuracy") << "\n";
    EXPECT_GT(std::stod(more_info.at("adversary_running_accuracy")),
              std::stod(info.at("adversary_running_accuracy")) + 0.05);
    EXPECT_NE(more_info.at("covert").find("adversary_steps=4"), std::string::npos);
    auto unknown_evasion = writing(base, "covert_unknown.st");
    unknown_evasion.evasion = "weakest";
    EXPECT_THROW(run_training(unknown_evasion, data(), {}), error);

    auto stats = writing(base, "covert_stats.st");
    stats.lambda_statistics = 1;
    run_training(stats, data(), {});
    EXPECT_LT(std::stod(read_model_file(stats.out_model).info.at("statistics_gap")),
              0.8 * std::stod(info.at("statistics_gap")));

    // A discriminant term lowers, against the same-seed run without it, the validation
    // distance it targets, and the model file records its weight.
    const auto expect_lowers
        = [&](train_options& run, const std::string& metric, const std::string& recorded) {
              run_training(run, data(), {});
              const auto run_info = read_model_file(run.out_model).info;
              std::cerr << metric << ": with the term " << run_info.at(metric) << ", without "
                        << info.at(metric) << "\n";
              EXPECT_LT(std::stod(run_info.at(metric)), 0.8 * std::stod(info.at(metric)));
              EXPECT_NE(run_info.at("covert").find(recorded), std::string::npos);
          };
    // Fisher's discriminant term, on the received statistics.
    auto disc = writing(base, "covert_disc.st");
    disc.lambda_discriminant = 1;
    expect_lowers(disc, "statistics_discriminant", "lambda_discriminant=1");
    // The calibrated term, on the calibrated statistics (E10 calibrated's features: the
    // received signal's and those of y - E(D(y))).
    auto calib = writing(base, "covert_calib.st");
    calib.lambda_calibrated = 1;
    expect_lowers(calib, "calibrated_discriminant", "lambda_calibrated=1");
    // Resumed with other columns (no adversaries now): the CSV gets the new header before
    // the new rows, and every row has as many fields as the header above it.
    disc.adversaries = 0;
    disc.steps = 200;
    run_training(disc, data(), {});
    {
        std::ifstream csv(disc.csv_path);
        int headers = 0;
        size_t fields = 0;
        for (std::string line; std::getline(csv, line);) {
            const size_t n
                = static_cast<size_t>(std::count(line.begin(), line.end(), ',')) + 1;
            if (line.rfind("epoch,step,", 0) == 0) {
                ++headers;
                fields = n;
            } else {
                EXPECT_EQ(n, fields) << line;
            }
        }
        EXPECT_EQ(headers, 2);
    }

    // Resumed: the detectors carry on (a count that does not match is refused).
    adv.steps = 160;
    EXPECT_EQ(run_training(adv, data(), {}).step, 160);
    auto wrong = adv;
    wrong.adversaries = 3;
    wrong.steps = 170;
    EXPECT_THROW(run_training(wrong, data(), {}), error);
    auto no_adversaries = base;
    no_adversaries.adversaries = 0;
    no_adversaries.lambda_adversarial = 1;
    EXPECT_THROW(run_training(no_adversaries, data(), {}), error);

    auto e10 = small("eve-detector", "e10.st");
    e10.codec_model = codec;
    e10.inn_model = adv.out_model;
    e10.channel = "awgn:5-20";
    e10.detector_width = 16;
    e10.steps = 60;
    const auto rd = run_training(e10, data(), {});
    EXPECT_LT(rd.last_loss, rd.first_loss);
    const auto e10_info = read_model_file(e10.out_model).info;
    ASSERT_TRUE(e10_info.count("val_auc"));
    const double auc = std::stod(e10_info.at("val_auc"));
    EXPECT_GE(auc, 0.0);
    EXPECT_LE(auc, 1.0);
    EXPECT_EQ(load_detector(e10.out_model)->parameters()[0].size(0), 16);

    // A calibrated detector (--calibrated): its file says so and it reads 2C inputs; it is
    // carried on only as what it is.
    auto calibrated = small("eve-detector", "e10_calibrated.st");
    calibrated.codec_model = codec;
    calibrated.inn_model = adv.out_model;
    calibrated.channel = "awgn:5-20";
    calibrated.detector_width = 16;
    calibrated.calibrated_detector = true;
    calibrated.steps = 20;
    run_training(calibrated, data(), {});
    const auto loaded = load_detector(calibrated.out_model);
    EXPECT_TRUE(loaded->config().calibrated);
    EXPECT_EQ(loaded->parameters()[0].size(1), 2 * loaded->config().channels);
    auto carried_plain = calibrated;
    carried_plain.calibrated_detector = false;
    carried_plain.steps = 30;
    EXPECT_THROW(run_training(carried_plain, data(), {}), error);
}

// Calibrated adversaries (--calibrated-adversaries): detectors of the kind that finds
// round-trip containers (E3's calibrated CNN, reading y and y - E(D(y))) trained alongside
// the INN. From one seed, the evasion term against them (its gradients through the codec's
// round trip) lowers their advantage against the run without it; the file records them,
// and their saved state is resumed only as what it is.
TEST_F(Training, CalibratedAdversariesAreEvadedThroughTheRoundTrip)
{
    const auto codec = trained_codec("calibrated_adv_codec.st", 45);
    auto base = keyed_inn("calibrated_adv_monitor.st", codec);
    base.codec_round_trip = true;
    base.steps = 150;
    base.steps_per_epoch = 50;
    base.validation_images = 16;
    base.adversaries = 2;
    base.adversary_width = 16;
    base.calibrated_adversaries = true;
    run_training(base, data(), {});
    const auto info = read_model_file(base.out_model).info;
    EXPECT_NE(info.at("covert").find("calibrated_adversaries=1"), std::string::npos);
    ASSERT_TRUE(info.count("adversary_running_accuracy"));

    auto adv = writing(base, "calibrated_adv.st");
    adv.lambda_adversarial = 4; // the weight the round-trip runs use
    run_training(adv, data(), {});
    const auto adv_info = read_model_file(adv.out_model).info;
    std::cerr << "calibrated adversaries' running accuracy: with the term "
              << adv_info.at("adversary_running_accuracy") << ", without "
              << info.at("adversary_running_accuracy") << "\n";
    // Measured with four seeds: 0.046-0.080 lower (0.78-0.82 against 0.86-0.87); the
    // round trip leaves the INN less room than plain containers have (plain adversaries
    // in the same round-trip run: 0.75 against 0.78).
    EXPECT_LT(std::stod(adv_info.at("adversary_running_accuracy")),
              std::stod(info.at("adversary_running_accuracy")) - 0.03);

    // Resumed: calibrated adversaries carry on; plain ones are refused their file.
    adv.steps = 160;
    EXPECT_EQ(run_training(adv, data(), {}).step, 160);
    auto as_plain = adv;
    as_plain.calibrated_adversaries = false;
    as_plain.steps = 170;
    EXPECT_THROW(run_training(as_plain, data(), {}), error);
    auto none = writing(base, "calibrated_adv_none.st");
    none.adversaries = 0;
    EXPECT_THROW(run_training(none, data(), {}), error);
}

// Eve's extractors: E6 (containers under keys of her own) and E7 (known pairs of Alice's
// traffic) train, record which attack they are, and refuse to be carried on as the other.
TEST_F(Training, EveExtractorsTrain)
{
    const auto codec = trained_codec("x_codec.st", 60);
    auto keyless = small("inn", "x_inn.st");
    keyless.codec_model = codec;
    keyless.steps = 60;
    run_training(keyless, data(), {});

    auto e6 = small("eve-extractor", "x_e6.st");
    e6.codec_model = codec;
    e6.inn_model = keyless.out_model;
    e6.extractor_width = 16; // not the decoder's width: no warm start, random init
    e6.steps = 60;
    const auto r6 = run_training(e6, data(), {});
    EXPECT_LT(r6.last_loss, 0.8 * r6.first_loss) << r6.first_loss << " → " << r6.last_loss;
    extractor_config cfg;
    load_extractor(e6.out_model, &cfg);
    EXPECT_EQ(cfg.attack, "e6");
    for (const char* key : { "floor_msssim", "prior_psnr", "prior_msssim" })
        EXPECT_TRUE(read_model_file(e6.out_model).info.count(key)) << key;

    auto e7 = small("eve-extractor", "x_e7.st");
    e7.codec_model = codec;
    e7.inn_model = keyless.out_model;
    e7.extractor_width = 32;
    e7.known_pairs = 24;
    e7.steps = 30;
    const auto r7 = run_training(e7, data(), {});
    EXPECT_LT(r7.last_loss, r7.first_loss);
    load_extractor(e7.out_model, &cfg);
    EXPECT_EQ(cfg.attack, "e7");
    EXPECT_EQ(cfg.known_pairs, 24);
    // Carrying an E7 file on as E6 (or with another N) is a clear error.
    e7.known_pairs = 0;
    e7.steps = 45;
    EXPECT_THROW(run_training(e7, data(), {}), error);
}

// Against the shipped keyless INN the public file is all Eve needs: her E6 extractor, warm-
// started from the public decoder, sees the private image far above the floor (the attack
// works where it can; E4-E7 against a keyed INN are measured in models/).
TEST_F(Training, EveExtractorBreaksTheShippedKeylessInn)
{
    const fs::path models = SEMSTEG_MODELS_DIR;
    auto o = small("eve-extractor", "x_shipped_e6.st");
    o.codec_model = (models / "jscc_awgn10.safetensors").string();
    o.inn_model = (models / "inn_awgn10.safetensors").string();
    o.image_side = 64;
    o.extractor_width = 128; // the public decoder's: warm start
    o.steps = 4;
    o.steps_per_epoch = 4;
    o.batch = 4;
    o.lr = 1e-4;
    run_training(o, data(), {});
    const auto info = read_model_file(o.out_model, kind_extractor).info;
    EXPECT_GT(std::stod(info.at("val_msssim")), std::stod(info.at("floor_msssim")) + 0.1)
        << "PSNR " << info.at("val_psnr");
}

// A learning rate far too high makes the INN diverge: a clear error, and the last
// checkpoint stays as it was.
TEST_F(Training, DivergenceStopsAndKeepsTheLastCheckpoint)
{
    const auto codec = trained_codec("diverge_codec.st", 15);
    auto o = small("inn", "diverge_inn.st");
    o.codec_model = codec;
    o.steps = 15;
    run_training(o, data(), {});
    const auto before = read_model_file(o.out_model, kind_inn);
    o.steps = 200;
    o.lr = 50;
    try {
        run_training(o, data(), {});
        ADD_FAILURE() << "no error at lr 50";
    } catch (const error& e) {
        EXPECT_NE(std::string(e.what()).find("diverged"), std::string::npos) << e.what();
    }
    const auto after = read_model_file(o.out_model, kind_inn);
    EXPECT_EQ(after.info.at("step"), "15");
    EXPECT_EQ(after.tensors.at("blocks.0.phi.c1.weight").bytes,
              before.tensors.at("blocks.0.phi.c1.weight").bytes);
}

TEST_F(Training, BudgetStopsEarlyWithACheckpoint)
{
    auto o = small("jscc", "budget.st");
    o.steps = 100000;
    o.budget_seconds = 2;
    const auto r = run_training(o, data(), {});
    EXPECT_FALSE(r.finished);
    EXPECT_LT(r.step, 100000);
    EXPECT_EQ(read_model_file(o.out_model).info.at("step"), std::to_string(r.step));
}

TEST_F(Training, BadOptionsAreClearErrors)
{
    auto o = small("inn", "never.st");
    o.codec_model = (dir / "missing.st").string();
    EXPECT_THROW(run_training(o, data(), {}), error);
    o.codec_model.clear();
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("jscc", "never.st");
    o.host_image_loss = "l1";
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("jscc", "never.st");
    o.loss_weights.host_image = -1;
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("bogus", "never.st");
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("inn", "never.st");
    o.adversaries = 1;
    o.adversary_steps = 0;
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("jscc", "never.st");
    o.image_side = 30;
    EXPECT_THROW(run_training(o, data(), {}), error);
    o = small("jscc", "never.st");
    o.device = "tpu";
    EXPECT_THROW(run_training(o, data(), {}), error);
    // Debian's LibTorch has no GPU: asking for one is a clear error.
    if (!torch::cuda::is_available()) {
        o.device = "cuda";
        EXPECT_THROW(run_training(o, data(), {}), error);
    }
    EXPECT_FALSE(fs::exists(dir / "never.st"));
}

// The crops are cut on every torch thread: the thread count must not change what a seed
// trains on.
TEST_F(Training, SameSeedSameRunOnAnyThreadCount)
{
    auto run = [&](int threads, const std::string& name) {
        set_torch_threads(threads);
        auto o = small("jscc", name);
        o.steps = 4;
        o.steps_per_epoch = 4;
        o.batch = 16;
        return run_training(o, data(), {}).last_loss;
    };
    const double one = run(1, "threads1.st");
    const double three = run(3, "threads3.st");
    set_torch_threads(1);
    EXPECT_NEAR(one, three, 1e-4 * one) << "different crops for the same seed";
}
