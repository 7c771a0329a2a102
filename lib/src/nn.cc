/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/nn.h>
#include <semsteg/threads.h>

#include <ATen/CPUGeneratorImpl.h>

#include <malloc.h>
#include <mutex>

#include <cmath>
#include <sstream>
#include <thread>

namespace semsteg {

namespace nnf = torch::nn::functional;

namespace {

torch::nn::Conv2d conv(int in, int out, int kernel, int stride = 1)
{
    return torch::nn::Conv2d(
        torch::nn::Conv2dOptions(in, out, kernel).stride(stride).padding(kernel / 2));
}

int json_int(const nlohmann::json& j, const char* key, int fallback)
{
    return j.contains(key) ? j.at(key).get<int>() : fallback;
}

double json_double(const nlohmann::json& j, const char* key, double fallback)
{
    return j.contains(key) ? j.at(key).get<double>() : fallback;
}

// Random draws come from a CPU generator whatever the device of `like` (a CPU generator
// cannot fill GPU memory), so one seed gives one realisation on any device.
torch::Tensor
randn_on_cpu(at::IntArrayRef sizes, torch::Generator& gen, const torch::Tensor& like)
{
    return torch::randn(sizes, gen, like.options().device(torch::kCPU));
}

} // namespace

void keep_freed_buffers_mapped()
{
    static std::once_flag once;
    std::call_once(once, [] {
        mallopt(M_MMAP_THRESHOLD, 256 << 20);
        mallopt(M_TRIM_THRESHOLD, 512 << 20);
    });
}

int set_torch_threads(int n)
{
    keep_freed_buffers_mapped();
    if (n <= 0)
        n = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    torch::set_num_threads(n);
    return torch::get_num_threads();
}

// ---------------------------------------------------------------- latent ↔ symbols (tensors)

at::Tensor latent_to_complex(const at::Tensor& latent)
{
    const int64_t b = latent.size(0);
    num_symbols_for_reals(static_cast<size_t>(latent.numel() / std::max<int64_t>(b, 1)));
    return torch::view_as_complex(latent.contiguous().reshape({ b, -1, 2 }));
}

at::Tensor complex_to_latent(const at::Tensor& symbols, const at::Tensor& like_latent)
{
    return torch::view_as_real(symbols.contiguous()).reshape(like_latent.sizes());
}

at::Tensor normalize_power_batch(const at::Tensor& latent)
{
    const int64_t b = latent.size(0);
    const auto flat = latent.reshape({ b, -1 });
    const double k
        = static_cast<double>(num_symbols_for_reals(static_cast<size_t>(flat.size(1))));
    const auto energy = flat.pow(2).sum(1, /*keepdim=*/true).clamp_min(1e-12);
    return (flat * torch::sqrt(k / energy)).reshape(latent.sizes());
}

// ---------------------------------------------------------------- codec

int jscc_config::latent_channels() const
{
    // k = bcr·n complex symbols = 2·bcr·n reals over (H/4)·(W/4) positions: C = 96·bcr.
    const double c = 96.0 * bcr;
    const long rounded = std::lround(c);
    if (rounded <= 0 || std::abs(c - rounded) > 1e-6 || rounded % 2 != 0)
        throw error(
            "jscc config: bcr " + std::to_string(bcr) + " gives " + std::to_string(c)
            + " latent channels; it must give a positive even integer (e.g. 1/12 → 8)");
    return static_cast<int>(rounded);
}

nlohmann::json jscc_config::to_json() const
{
    nlohmann::json j = { { "image_side", image_side },
                         { "bcr", bcr },
                         { "encoder_width", encoder_width },
                         { "decoder_width", decoder_width },
                         { "latent_channels", latent_channels() } };
    if (snr_adaptive) // absent in plain codec files (older files stay valid)
        j["snr_adaptive"] = true;
    return j;
}

jscc_config jscc_config::from_json(const nlohmann::json& j)
{
    jscc_config c;
    c.image_side = json_int(j, "image_side", c.image_side);
    c.bcr = json_double(j, "bcr", c.bcr);
    c.encoder_width = json_int(j, "encoder_width", c.encoder_width);
    c.decoder_width = json_int(j, "decoder_width", c.decoder_width);
    c.snr_adaptive = j.contains("snr_adaptive") && j.at("snr_adaptive").get<bool>();
    c.latent_channels();
    return c;
}

snr_attention_impl::snr_attention_impl(int channels)
{
    const int hidden = std::max(8, channels / 4);
    d_fc1 = register_module("fc1", torch::nn::Linear(channels + 1, hidden));
    d_fc2 = register_module("fc2", torch::nn::Linear(hidden, channels));
    torch::NoGradGuard no_grad;
    d_fc2->weight.zero_();
    d_fc2->bias.zero_();
}

torch::Tensor snr_attention_impl::forward(const torch::Tensor& features,
                                          const torch::Tensor& snr_db)
{
    // SNR/20 keeps the 0–20 dB operating range near the scale of the channel means.
    const auto b = features.size(0);
    const auto snr = snr_db.to(features.options()).reshape({ -1, 1 }).expand({ b, 1 }) / 20.0;
    const auto context = torch::cat({ features.mean({ 2, 3 }), snr }, 1);
    const auto gate = 2.0 * torch::sigmoid(d_fc2(torch::relu(d_fc1(context))));
    return features * gate.unsqueeze(-1).unsqueeze(-1);
}

namespace {
// The SNR an adaptive network was given: one value per image (or one for the batch).
void check_snr(const torch::Tensor& snr_db, int64_t batch, const char* who)
{
    if (!snr_db.defined())
        throw error(std::string(who)
                    + ": this codec is SNR-adaptive and needs the channel SNR (none given)");
    if (snr_db.numel() != 1 && snr_db.numel() != batch)
        throw error(std::string(who) + ": " + std::to_string(snr_db.numel())
                    + " SNR values for a batch of " + std::to_string(batch));
}

torch::Tensor attend(const torch::nn::ModuleList& modules,
                     size_t index,
                     const torch::Tensor& x,
                     const torch::Tensor& snr_db)
{
    if (modules.is_empty())
        return x;
    return modules->ptr(index)->as<snr_attention>()->forward(x, snr_db);
}
} // namespace

encoder_impl::encoder_impl(const jscc_config& cfg)
{
    const int w = cfg.encoder_width;
    d_conv1 = register_module("conv1", conv(3, w / 2, 5, 2));
    d_act1 = register_module("act1", torch::nn::PReLU());
    d_conv2 = register_module("conv2", conv(w / 2, w, 5, 2));
    d_act2 = register_module("act2", torch::nn::PReLU());
    d_conv3 = register_module("conv3", conv(w, w, 3));
    d_act3 = register_module("act3", torch::nn::PReLU());
    d_conv4 = register_module("conv4", conv(w, w, 3));
    d_act4 = register_module("act4", torch::nn::PReLU());
    d_out = register_module("out", conv(w, cfg.latent_channels(), 3));
    if (cfg.snr_adaptive) {
        // One module per stage, widths as the stages: w/2, w, w, w.
        d_attention = register_module("attention", torch::nn::ModuleList());
        for (int c : { w / 2, w, w, w })
            d_attention->push_back(snr_attention(c));
    }
}

torch::Tensor encoder_impl::forward(const torch::Tensor& images, const torch::Tensor& snr_db)
{
    if (!d_attention.is_empty())
        check_snr(snr_db, images.size(0), "encoder");
    auto x = attend(d_attention, 0, d_act1(d_conv1(images)), snr_db);
    x = attend(d_attention, 1, d_act2(d_conv2(x)), snr_db);
    x = attend(d_attention, 2, x + d_act3(d_conv3(x)), snr_db);
    x = attend(d_attention, 3, x + d_act4(d_conv4(x)), snr_db);
    return d_out(x);
}

decoder_impl::decoder_impl(int latent_channels, int width, bool snr_adaptive)
    : d_latent_channels(latent_channels)
{
    const int w = width;
    d_in = register_module("in", conv(latent_channels, w, 3));
    d_act_in = register_module("act_in", torch::nn::PReLU());
    d_res1 = register_module("res1", conv(w, w, 3));
    d_act_res1 = register_module("act_res1", torch::nn::PReLU());
    d_res2 = register_module("res2", conv(w, w, 3));
    d_act_res2 = register_module("act_res2", torch::nn::PReLU());
    d_up1 = register_module("up1", conv(w, (w / 2) * 4, 3));
    d_act_up1 = register_module("act_up1", torch::nn::PReLU());
    // The last layer makes 3·4 channels at half resolution and shuffles them into RGB: a
    // full-resolution 3-channel convolution is ~10× slower to train on CPU oneDNN.
    d_out = register_module("out", conv(w / 2, 3 * 4, 3));
    if (snr_adaptive) {
        d_attention = register_module("attention", torch::nn::ModuleList());
        for (int c : { w, w, w, w / 2 })
            d_attention->push_back(snr_attention(c));
    }
}

torch::Tensor decoder_impl::forward(const torch::Tensor& latent, const torch::Tensor& snr_db)
{
    if (!d_attention.is_empty())
        check_snr(snr_db, latent.size(0), "decoder");
    auto x = attend(d_attention, 0, d_act_in(d_in(latent)), snr_db);
    x = attend(d_attention, 1, x + d_act_res1(d_res1(x)), snr_db);
    x = attend(d_attention, 2, x + d_act_res2(d_res2(x)), snr_db);
    x = attend(d_attention, 3, d_act_up1(nnf::pixel_shuffle(d_up1(x), 2)), snr_db);
    return torch::sigmoid(nnf::pixel_shuffle(d_out(x), 2));
}

jscc_codec_impl::jscc_codec_impl(const jscc_config& cfg) : d_cfg(cfg)
{
    d_encoder = register_module("encoder", encoder(cfg));
    d_decoder = register_module(
        "decoder", decoder(cfg.latent_channels(), cfg.decoder_width, cfg.snr_adaptive));
}

torch::Tensor jscc_codec_impl::encode(const torch::Tensor& images,
                                      const torch::Tensor& snr_db)
{
    if (images.dim() != 4 || images.size(1) != 3 || images.size(2) % 4 != 0
        || images.size(3) % 4 != 0)
        throw error("jscc: expected images [B,3,H,W] with H and W multiples of 4, got "
                    + (std::ostringstream() << images.sizes()).str());
    return normalize_power_batch(d_encoder(images, snr_db));
}

torch::Tensor jscc_codec_impl::decode(const torch::Tensor& latent,
                                      const torch::Tensor& snr_db)
{
    if (latent.dim() != 4 || latent.size(1) != d_cfg.latent_channels())
        throw error("jscc: expected a latent [B," + std::to_string(d_cfg.latent_channels())
                    + ",h,w], got " + (std::ostringstream() << latent.sizes()).str());
    return d_decoder(latent, snr_db);
}

void copy_shared_parameters(torch::nn::Module& from, torch::nn::Module& to)
{
    torch::NoGradGuard no_grad;
    auto src = from.named_parameters();
    for (auto& p : to.named_parameters())
        if (const auto* s = src.find(p.key()))
            p.value().copy_(*s);
}

jscc_codec with_snr_adaptation(jscc_codec& codec)
{
    auto cfg = codec->config();
    if (cfg.snr_adaptive)
        throw error("jscc: the codec is SNR-adaptive already");
    cfg.snr_adaptive = true;
    jscc_codec out(cfg);
    copy_shared_parameters(*codec, *out);
    return out;
}

// ---------------------------------------------------------------- INN

nlohmann::json inn_config::to_json() const
{
    nlohmann::json j = {
        { "channels", channels }, { "blocks", blocks }, { "width", width }, { "clamp", clamp }
    };
    if (lost_estimator_width > 0) // absent in files without one (older files stay valid)
        j["lost_estimator_width"] = lost_estimator_width;
    if (keyed) { // absent in keyless files (older files stay valid)
        j["keyed"] = true;
        j["scramble_rounds"] = scramble_rounds;
    }
    return j;
}

inn_config inn_config::from_json(const nlohmann::json& j)
{
    inn_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.blocks = json_int(j, "blocks", c.blocks);
    c.width = json_int(j, "width", c.width);
    c.clamp = json_double(j, "clamp", c.clamp);
    c.lost_estimator_width = json_int(j, "lost_estimator_width", 0);
    c.keyed = j.contains("keyed") && j.at("keyed").get<bool>();
    c.scramble_rounds = json_int(j, "scramble_rounds", c.scramble_rounds);
    if (c.keyed && c.scramble_rounds < 1)
        throw error("inn config: a keyed INN needs at least one scramble round");
    if (c.channels <= 0 || c.blocks <= 0 || c.width <= 0 || !(c.clamp > 0))
        throw error("inn config: channels, blocks, width and clamp must be positive");
    if (c.lost_estimator_width < 0)
        throw error("inn config: lost_estimator_width must not be negative");
    return c;
}

coupling_subnet_impl::coupling_subnet_impl(int channels, int width)
{
    d_c1 = register_module("c1", conv(channels, width, 3));
    d_c2 = register_module("c2", conv(width, width, 3));
    d_c3 = register_module("c3", conv(width, channels, 3));
    // Zero-initialised last layer: every block starts as the identity map.
    torch::NoGradGuard no_grad;
    d_c3->weight.zero_();
    d_c3->bias.zero_();
}

torch::Tensor coupling_subnet_impl::forward(const torch::Tensor& x)
{
    auto y = nnf::leaky_relu(d_c1(x), nnf::LeakyReLUFuncOptions().negative_slope(0.2));
    y = nnf::leaky_relu(d_c2(y), nnf::LeakyReLUFuncOptions().negative_slope(0.2));
    return d_c3(y);
}

inn_block_impl::inn_block_impl(const inn_config& cfg) : d_clamp(cfg.clamp)
{
    d_phi = register_module("phi", coupling_subnet(cfg.channels, cfg.width));
    d_rho = register_module("rho", coupling_subnet(cfg.channels, cfg.width));
    d_eta = register_module("eta", coupling_subnet(cfg.channels, cfg.width));
}

torch::Tensor inn_block_impl::log_scale(const torch::Tensor& zh)
{
    return d_clamp * 2.0 * (torch::sigmoid(d_rho(zh)) - 0.5);
}

void inn_block_impl::forward(torch::Tensor& zh, torch::Tensor& zp)
{
    zh = zh + d_phi(zp);
    zp = zp * torch::exp(log_scale(zh)) + d_eta(zh);
}

void inn_block_impl::inverse(torch::Tensor& zh, torch::Tensor& zp)
{
    zp = (zp - d_eta(zh)) * torch::exp(-log_scale(zh));
    zh = zh - d_phi(zp);
}

inn_impl::inn_impl(const inn_config& cfg) : d_cfg(cfg)
{
    d_blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < cfg.blocks; ++i)
        d_blocks->push_back(inn_block(cfg));
    if (cfg.lost_estimator_width > 0)
        d_lost_estimator = register_module(
            "lost_estimator", coupling_subnet(cfg.channels, cfg.lost_estimator_width));
}

namespace {
void check_latent_pair(const torch::Tensor& a, const torch::Tensor& b, int channels)
{
    if (a.dim() != 4 || a.sizes() != b.sizes() || a.size(1) != channels)
        throw error("inn: expected two latents [B," + std::to_string(channels)
                    + ",h,w] of equal shape, got " + (std::ostringstream() << a.sizes()).str()
                    + " and " + (std::ostringstream() << b.sizes()).str());
}
} // namespace

inn_output inn_impl::embed(const torch::Tensor& zh, const torch::Tensor& zp)
{
    check_latent_pair(zh, zp, d_cfg.channels);
    auto h = zh, p = zp;
    for (const auto& block : *d_blocks)
        block->as<inn_block>()->forward(h, p);
    return { h, p };
}

inn_recovery inn_impl::extract(const torch::Tensor& zc, const torch::Tensor& lost)
{
    check_latent_pair(zc, lost, d_cfg.channels);
    auto h = zc, p = lost;
    const auto blocks = d_blocks->children();
    for (auto it = blocks.rbegin(); it != blocks.rend(); ++it)
        (*it)->as<inn_block>()->inverse(h, p);
    return { h, p };
}

torch::Tensor inn_impl::estimate_lost(const torch::Tensor& zc)
{
    if (!has_lost_estimator())
        throw error("inn: this INN has no lost-part estimator (l-hat mode 'estimated')");
    check_latent_pair(zc, zc, d_cfg.channels);
    return d_lost_estimator(zc);
}

inn with_lost_estimator(inn& net, int width)
{
    if (width <= 0)
        throw error("inn: the lost-part estimator's width must be positive");
    auto cfg = net->config();
    cfg.lost_estimator_width = width;
    inn out(cfg);
    copy_shared_parameters(*net, *out);
    return out;
}

lost_part_mode lost_part_mode::parse(const std::string& text)
{
    lost_part_mode m;
    auto fail = [&]() {
        return error(
            "lost part: '" + text
            + "' is not one of auto, zeros, constant:V, gaussian:STD[:SEED], estimated");
    };
    std::vector<std::string> f;
    std::stringstream ss(text);
    for (std::string s; std::getline(ss, s, ':');)
        f.push_back(s);
    try {
        if (f.size() == 1 && f[0] == "auto")
            m.type = kind::automatic;
        else if (f.size() == 1 && f[0] == "zeros")
            m.type = kind::zeros;
        else if (f.size() == 1 && f[0] == "estimated")
            m.type = kind::estimated;
        else if (f.size() == 2 && f[0] == "constant") {
            m.type = kind::constant;
            m.value = std::stod(f[1]);
        } else if ((f.size() == 2 || f.size() == 3) && f[0] == "gaussian") {
            m.type = kind::gaussian;
            m.value = std::stod(f[1]);
            if (f.size() == 3)
                m.seed = std::stoull(f[2]);
        } else
            throw fail();
    } catch (const std::logic_error&) {
        throw fail();
    }
    return m;
}

std::string lost_part_mode::to_string() const
{
    switch (type) {
    case kind::automatic:
        return "auto";
    case kind::zeros:
        return "zeros";
    case kind::estimated:
        return "estimated";
    case kind::constant:
        return "constant:" + std::to_string(value);
    default:
        return "gaussian:" + std::to_string(value) + ":" + std::to_string(seed);
    }
}

lost_part_mode lost_part_mode::resolved(const inn_impl& net) const
{
    if (type != kind::automatic)
        return *this;
    lost_part_mode m;
    m.type = net.has_lost_estimator() ? kind::estimated : kind::zeros;
    return m;
}

void check_lost_part_mode(const lost_part_mode& mode,
                          const inn_impl& net,
                          const std::string& path)
{
    if (mode.type == lost_part_mode::kind::estimated && !net.has_lost_estimator())
        throw error("l-hat mode 'estimated' needs an INN with a lost-part estimator; '" + path
                    + "' has none (use auto or zeros)");
}

torch::Tensor
make_lost_part(const lost_part_mode& mode, const torch::Tensor& zc, inn_impl& net)
{
    const auto m = mode.resolved(net);
    switch (m.type) {
    case lost_part_mode::kind::estimated:
        return net.estimate_lost(zc);
    case lost_part_mode::kind::zeros:
        return torch::zeros_like(zc);
    case lost_part_mode::kind::constant:
        return torch::full_like(zc, m.value);
    default: {
        auto gen = at::detail::createCPUGenerator(m.seed);
        return (randn_on_cpu(zc.sizes(), gen, zc) * m.value).to(zc.device());
    }
    }
}

// ---------------------------------------------------------------- detector, MIA configs

nlohmann::json detector_config::to_json() const
{
    return { { "channels", channels }, { "width", width } };
}

detector_config detector_config::from_json(const nlohmann::json& j)
{
    detector_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    return c;
}

detector_impl::detector_impl(const detector_config& cfg)
{
    d_c1 = register_module("c1", conv(cfg.channels, cfg.width, 3));
    d_c2 = register_module("c2", conv(cfg.width, 2 * cfg.width, 3, 2));
    d_c3 = register_module("c3", conv(2 * cfg.width, 2 * cfg.width, 3, 2));
    d_fc = register_module("fc", torch::nn::Linear(2 * cfg.width, 1));
}

torch::Tensor detector_impl::forward(const torch::Tensor& latent)
{
    const auto opt = nnf::LeakyReLUFuncOptions().negative_slope(0.2);
    auto x = nnf::leaky_relu(d_c1(latent), opt);
    x = nnf::leaky_relu(d_c2(x), opt);
    x = nnf::leaky_relu(d_c3(x), opt);
    return d_fc(x.mean({ 2, 3 })).squeeze(1);
}

nlohmann::json mia_config::to_json() const
{
    return { { "channels", channels }, { "width", width } };
}

mia_config mia_config::from_json(const nlohmann::json& j)
{
    mia_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    return c;
}

// ---------------------------------------------------------------- channels

namespace {

void require_latent_domain(const channel_config& cfg)
{
    if (cfg.has_waveform_impairments())
        throw error("channel '" + cfg.to_string()
                    + "': the latent-domain simulation has no CFO, multipath, timing or "
                      "clock impairments (those are the PHY's: the GNU Radio loopback)");
}

} // namespace

torch::Tensor channel_snr(const channel_config& cfg, int64_t batch, torch::Generator& gen)
{
    require_latent_domain(cfg);
    if (cfg.type == channel_config::kind::none)
        return torch::full({ batch }, 100.0);
    auto snr_db = torch::full({ batch }, cfg.snr_db);
    if (cfg.snr_range())
        snr_db = snr_db + torch::rand({ batch }, gen) * (*cfg.snr_max_db - cfg.snr_db);
    return snr_db;
}

torch::Tensor
apply_channel(const torch::Tensor& latent, const channel_config& cfg, torch::Generator& gen)
{
    return apply_channel_at_snr(latent, cfg, channel_snr(cfg, latent.size(0), gen), gen);
}

torch::Tensor apply_channel_at_snr(const torch::Tensor& latent,
                                   const channel_config& cfg,
                                   const torch::Tensor& snr_per_image,
                                   torch::Generator& gen)
{
    require_latent_domain(cfg);
    if (cfg.type == channel_config::kind::none)
        return latent;
    const int64_t b = latent.size(0);
    if (snr_per_image.numel() != b)
        throw error("channel: " + std::to_string(snr_per_image.numel())
                    + " SNR values for a batch of " + std::to_string(b));
    const auto snr_db = snr_per_image.to(torch::kCPU, torch::kFloat).reshape({ b, 1 });
    const auto noise_std_per_real = torch::sqrt(torch::pow(10.0, -snr_db / 10.0) / 2.0);
    const auto flat = latent.reshape({ b, -1 });
    const auto noise
        = (randn_on_cpu(flat.sizes(), gen, latent) * noise_std_per_real).to(latent.device());
    if (cfg.type == channel_config::kind::awgn)
        return (flat + noise).reshape(latent.sizes());

    // Rayleigh block fading: y = h·s + n with h ~ CN(0,1) per image; zero forcing y/h.
    const auto s = latent_to_complex(latent);
    const auto hr
        = (randn_on_cpu({ b, 1, 2 }, gen, latent) / std::sqrt(2.0)).to(latent.device());
    const auto h = torch::view_as_complex(hr.contiguous());
    const auto n = latent_to_complex(noise.reshape(latent.sizes()));
    return complex_to_latent((h * s + n) / h, latent);
}

// ---------------------------------------------------------------- conversions, model I/O

torch::Tensor images_to_tensor(const std::vector<image>& images)
{
    if (images.empty())
        throw error("images_to_tensor: no images");
    const int w = images[0].width, h = images[0].height;
    auto batch = torch::empty({ static_cast<int64_t>(images.size()), h, w, 3 });
    float* dst = batch.data_ptr<float>();
    for (const auto& im : images) {
        if (im.width != w || im.height != h)
            throw error("images_to_tensor: mixed sizes " + std::to_string(w) + "x"
                        + std::to_string(h) + " and " + std::to_string(im.width) + "x"
                        + std::to_string(im.height));
        dst = std::copy(im.rgb.begin(), im.rgb.end(), dst);
    }
    return batch.permute({ 0, 3, 1, 2 }).contiguous();
}

std::vector<image> tensor_to_images(const torch::Tensor& batch)
{
    if (batch.dim() != 4 || batch.size(1) != 3)
        throw error("tensor_to_images: expected [B,3,H,W], got "
                    + (std::ostringstream() << batch.sizes()).str());
    const auto hwc = batch.detach().to(torch::kFloat).permute({ 0, 2, 3, 1 }).contiguous();
    std::vector<image> out;
    const float* src = hwc.data_ptr<float>();
    for (int64_t i = 0; i < batch.size(0); ++i) {
        image im(static_cast<int>(batch.size(3)), static_cast<int>(batch.size(2)));
        std::copy(src, src + im.rgb.size(), im.rgb.begin());
        src += im.rgb.size();
        out.push_back(std::move(im));
    }
    return out;
}

namespace {

std::map<std::string, torch::Tensor> named_state(torch::nn::Module& module)
{
    std::map<std::string, torch::Tensor> state;
    for (const auto& p : module.named_parameters(/*recurse=*/true))
        state[p.key()] = p.value();
    for (const auto& b : module.named_buffers(/*recurse=*/true))
        state[b.key()] = b.value();
    return state;
}

std::string sizes_text(c10::IntArrayRef s) { return (std::ostringstream() << s).str(); }

} // namespace

model_file module_to_model_file(torch::nn::Module& module,
                                const std::string& kind,
                                const nlohmann::json& config)
{
    model_file file;
    file.kind = kind;
    file.config = config;
    for (const auto& [name, value] : named_state(module)) {
        const auto t = value.detach().to(torch::kCPU).contiguous();
        tensor_record r;
        if (t.scalar_type() == torch::kFloat)
            r.dtype = "F32";
        else if (t.scalar_type() == torch::kLong)
            r.dtype = "I64";
        else
            throw error("model file: tensor '" + name + "' has an unsupported dtype");
        r.shape.assign(t.sizes().begin(), t.sizes().end());
        const auto* bytes = static_cast<const uint8_t*>(t.data_ptr());
        r.bytes.assign(bytes, bytes + t.numel() * t.element_size());
        file.tensors.emplace(name, std::move(r));
    }
    return file;
}

void load_module_state(torch::nn::Module& module,
                       const model_file& file,
                       const std::string& path_for_errors)
{
    const std::string where = "model file '" + path_for_errors + "' (" + file.kind + "): ";
    auto state = named_state(module);
    for (const auto& [name, rec] : file.tensors)
        if (!state.count(name))
            throw error(where + "unexpected tensor '" + name
                        + "' (the network built from its config has no such parameter)");
    torch::NoGradGuard no_grad;
    for (auto& [name, dst] : state) {
        auto it = file.tensors.find(name);
        if (it == file.tensors.end())
            throw error(where + "missing tensor '" + name + "' of shape "
                        + sizes_text(dst.sizes()));
        const auto& rec = it->second;
        const auto expected_dtype = dst.scalar_type() == torch::kLong ? "I64" : "F32";
        if (rec.dtype != expected_dtype
            || std::vector<int64_t>(dst.sizes().begin(), dst.sizes().end()) != rec.shape)
            throw error(where + "tensor '" + name + "' expected " + expected_dtype + " "
                        + sizes_text(dst.sizes()) + ", found " + rec.dtype + " "
                        + sizes_text(rec.shape));
        auto src = torch::from_blob(const_cast<uint8_t*>(rec.bytes.data()),
                                    dst.sizes(),
                                    dst.scalar_type() == torch::kLong ? torch::kLong
                                                                      : torch::kFloat);
        dst.copy_(src);
    }
}

void save_module(const std::string& path,
                 torch::nn::Module& module,
                 const std::string& kind,
                 const nlohmann::json& config,
                 const std::map<std::string, std::string>& info)
{
    auto file = module_to_model_file(module, kind, config);
    file.info = info;
    write_model_file(path, file);
}

namespace {
template <typename Net, typename Config, typename Build>
Net load_typed(const std::string& path, const char* kind, Build build)
{
    const auto file = read_model_file(path, kind);
    Config cfg;
    try {
        cfg = Config::from_json(file.config);
    } catch (const error& e) {
        throw error("model file '" + path + "': " + e.what());
    } catch (const std::exception& e) {
        throw error("model file '" + path + "': bad config (" + e.what() + ")");
    }
    Net net = build(cfg);
    load_module_state(*net, file, path);
    net->eval();
    return net;
}
} // namespace

jscc_codec load_jscc(const std::string& path)
{
    return load_typed<jscc_codec, jscc_config>(
        path, kind_jscc, [](const jscc_config& c) { return jscc_codec(c); });
}

inn load_inn(const std::string& path)
{
    return load_typed<inn, inn_config>(
        path, kind_inn, [](const inn_config& c) { return inn(c); });
}

nlohmann::json extractor_config::to_json() const
{
    return { { "channels", channels },
             { "width", width },
             { "attack", attack },
             { "known_pairs", known_pairs } };
}

extractor_config extractor_config::from_json(const nlohmann::json& j)
{
    extractor_config c;
    c.channels = json_int(j, "channels", c.channels);
    c.width = json_int(j, "width", c.width);
    c.attack = j.contains("attack") ? j.at("attack").get<std::string>() : c.attack;
    c.known_pairs = json_int(j, "known_pairs", 0);
    if (c.channels <= 0 || c.width <= 0 || (c.attack != "e6" && c.attack != "e7"))
        throw error("extractor config: positive channels and width, attack e6 or e7");
    return c;
}

decoder load_extractor(const std::string& path, extractor_config* config)
{
    return load_typed<decoder, extractor_config>(
        path, kind_extractor, [config](const extractor_config& c) {
            if (config)
                *config = c;
            return decoder(2 * c.channels, c.width);
        });
}

decoder load_mia(const std::string& path)
{
    return load_typed<decoder, mia_config>(
        path, kind_mia, [](const mia_config& c) { return decoder(c.channels, c.width); });
}

detector load_detector(const std::string& path)
{
    return load_typed<detector, detector_config>(
        path, kind_detector, [](const detector_config& c) { return detector(c); });
}

} // namespace semsteg
