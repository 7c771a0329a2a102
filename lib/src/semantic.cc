/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/latent_symbols.h>
#include <semsteg/metrics.h>
#include <semsteg/model_locator.h>
#include <semsteg/nn.h>
#include <semsteg/secure_link.h>
#include <semsteg/semantic.h>
#include <semsteg/threads.h>

#include <cmath>
#include <optional>

namespace semsteg {

latent_shape latent_shape::square(int channels, size_t num_symbols)
{
    if (channels <= 0 || num_symbols == 0)
        throw error("latent of " + std::to_string(num_symbols) + " symbols with "
                    + std::to_string(channels) + " channels");
    const size_t reals = 2 * num_symbols;
    const size_t area = reals / static_cast<size_t>(channels);
    const auto side = static_cast<size_t>(std::lround(std::sqrt(static_cast<double>(area))));
    if (area * channels != reals || side * side != area)
        throw error("a latent of " + std::to_string(num_symbols)
                    + " complex symbols is not a square " + std::to_string(channels)
                    + "-channel latent (C·H·W/2 symbols with H = W)");
    return { channels, static_cast<int>(side), static_cast<int>(side) };
}

namespace {

// A NaN or infinity out of a network (non-finite weights; input symbols are checked on the
// way in) is an error: the blocks log it and count a drop instead of passing garbage on.
const torch::Tensor& finite_output(const torch::Tensor& t, const char* network)
{
    if (!torch::isfinite(t).all().item<bool>())
        throw error(std::string("non-finite output (NaN or infinity) from ") + network
                    + ": the model file holds non-finite weights or does not fit the input");
    return t;
}

// Symbols → latent tensor [1, C, H, W] (a copy), per latent_symbols.h's pairing.
torch::Tensor symbols_to_tensor(const std::complex<float>* symbols,
                                size_t num_symbols,
                                const latent_shape& shape)
{
    if (num_symbols != shape.num_symbols())
        throw error("latent of " + std::to_string(num_symbols) + " symbols, expected "
                    + std::to_string(shape.num_symbols()));
    for (size_t i = 0; i < num_symbols; ++i)
        if (!std::isfinite(symbols[i].real()) || !std::isfinite(symbols[i].imag()))
            throw error("latent symbol " + std::to_string(i) + " is not finite");
    auto reals = symbols_to_latent(symbols, num_symbols);
    return torch::from_blob(reals.data(), { 1, shape.channels, shape.height, shape.width })
        .clone();
}

symbol_vector tensor_to_symbols(const torch::Tensor& latent)
{
    const auto flat = latent.detach().to(torch::kFloat).contiguous();
    return latent_to_symbols(flat.data_ptr<float>(), static_cast<size_t>(flat.numel()));
}

image tensor_to_image(const torch::Tensor& batch) { return tensor_to_images(batch).at(0); }

} // namespace

// ---------------------------------------------------------------- semantic_codec

struct semantic_codec::impl {
    jscc_codec codec { nullptr };
};

semantic_codec::semantic_codec(const std::string& model_path) : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->codec = load_jscc(locate_model(model_path));
    d_impl->codec->eval();
}
semantic_codec::~semantic_codec() = default;

int semantic_codec::image_side() const { return d_impl->codec->config().image_side; }
int semantic_codec::latent_channels() const
{
    return d_impl->codec->config().latent_channels();
}
latent_shape semantic_codec::shape() const
{
    return { latent_channels(), image_side() / 4, image_side() / 4 };
}

bool semantic_codec::snr_adaptive() const { return d_impl->codec->snr_adaptive(); }

namespace {
// The SNR tensor an SNR-adaptive codec is given (none for a plain codec: it ignores it).
torch::Tensor snr_tensor(const jscc_codec_impl& codec, std::optional<double> snr_db)
{
    if (!codec.snr_adaptive())
        return {};
    if (!snr_db || !std::isfinite(*snr_db))
        throw error("this codec is SNR-adaptive: it needs the channel SNR (a finite value)");
    return torch::full({ 1 }, *snr_db);
}
} // namespace

symbol_vector semantic_codec::encode(const image& img, std::optional<double> snr_db)
{
    if (img.empty())
        throw error("cannot encode an empty image");
    const int side = image_side();
    const image& input
        = (img.width == side && img.height == side) ? img : prepare_image(img, side);
    torch::NoGradGuard no_grad;
    return tensor_to_symbols(
        finite_output(d_impl->codec->encode(images_to_tensor({ input }),
                                            snr_tensor(*d_impl->codec, snr_db)),
                      "the codec's encoder"));
}

image semantic_codec::decode(const std::complex<float>* symbols,
                             size_t num_symbols,
                             std::optional<double> snr_db)
{
    const auto shape = latent_shape::square(latent_channels(), num_symbols);
    torch::NoGradGuard no_grad;
    return tensor_to_image(
        finite_output(d_impl->codec->decode(symbols_to_tensor(symbols, num_symbols, shape),
                                            snr_tensor(*d_impl->codec, snr_db)),
                      "the codec's decoder"));
}

// ---------------------------------------------------------------- stego_network

struct stego_network::impl {
    inn net { nullptr };
    lost_part_mode lost;
    std::optional<stego_key> key;
    int64_t latent_reals(size_t num_symbols) const
    {
        return 2 * static_cast<int64_t>(num_symbols);
    }
    std::optional<latent_keying> keying(uint64_t nonce, size_t num_symbols) const
    {
        if (!key)
            return std::nullopt;
        return latent_keying(
            *key, { nonce }, latent_reals(num_symbols), net->config().scramble_rounds);
    }
};

stego_network::stego_network(const std::string& model_path,
                             const std::string& lost_mode,
                             const stego_key* key)
    : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->lost = lost_part_mode::parse(lost_mode);
    d_impl->net = load_inn(locate_model(model_path));
    d_impl->net->eval();
    check_lost_part_mode(d_impl->lost, *d_impl->net, model_path);
    check_inn_key(*d_impl->net, key != nullptr, model_path);
    if (key)
        d_impl->key = *key;
}
stego_network::~stego_network() = default;

int stego_network::latent_channels() const { return d_impl->net->config().channels; }
bool stego_network::keyed() const { return d_impl->net->config().keyed; }

symbol_vector stego_network::embed(const std::complex<float>* host,
                                   const std::complex<float>* secret,
                                   size_t num_symbols,
                                   uint64_t nonce)
{
    const auto shape = latent_shape::square(latent_channels(), num_symbols);
    torch::NoGradGuard no_grad;
    const auto zh = symbols_to_tensor(host, num_symbols, shape);
    const auto zp = symbols_to_tensor(secret, num_symbols, shape);
    const auto key = d_impl->keying(nonce, num_symbols);
    return tensor_to_symbols(
        finite_output(alice_embed(*d_impl->net, zh, zp, key ? &*key : nullptr).sent,
                      "the INN's embedding"));
}

symbol_vector stego_network::extract(const std::complex<float>* container,
                                     size_t num_symbols,
                                     uint64_t nonce)
{
    const auto shape = latent_shape::square(latent_channels(), num_symbols);
    torch::NoGradGuard no_grad;
    const auto zc = symbols_to_tensor(container, num_symbols, shape);
    const auto key = d_impl->keying(nonce, num_symbols);
    return tensor_to_symbols(finite_output(
        bob_extract(*d_impl->net, d_impl->lost, zc, key ? &*key : nullptr).recovered.secret,
        "the INN's extraction"));
}

// ---------------------------------------------------------------- inverse_network

struct inverse_network::impl {
    decoder net { nullptr };
};

inverse_network::inverse_network(const std::string& model_path) : d_impl(new impl)
{
    keep_freed_buffers_mapped();
    d_impl->net = load_mia(locate_model(model_path));
    d_impl->net->eval();
}
inverse_network::~inverse_network() = default;

int inverse_network::latent_channels() const { return d_impl->net->latent_channels(); }

image inverse_network::decode(const std::complex<float>* symbols,
                              size_t num_symbols,
                              std::optional<double> /*snr_db*/)
{
    const auto shape = latent_shape::square(latent_channels(), num_symbols);
    torch::NoGradGuard no_grad;
    return tensor_to_image(
        finite_output(d_impl->net->forward(symbols_to_tensor(symbols, num_symbols, shape)),
                      "the inverse network"));
}

// ---------------------------------------------------------------- metrics

image_quality measure_quality(const image& reference, const image& received)
{
    if (reference.width != received.width || reference.height != received.height)
        throw error("quality: reference is " + std::to_string(reference.width) + "x"
                    + std::to_string(reference.height) + ", received "
                    + std::to_string(received.width) + "x" + std::to_string(received.height));
    torch::NoGradGuard no_grad;
    const auto a = images_to_tensor({ reference });
    const auto b = images_to_tensor({ received });
    return { psnr(a, b).item<double>(), ms_ssim(a, b).item<double>() };
}

} // namespace semsteg
