/* -*- c++ -*- */
/*
 * Copyright 2026 gr-semsteg authors.
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <semsteg/error.h>
#include <semsteg/model_io.h>

#include <sstream>

namespace semsteg {

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
Net load_typed(const model_file& file, const std::string& path, Build build)
{
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

template <typename Net, typename Config, typename Build>
Net load_typed(const std::string& path, const char* kind, Build build)
{
    return load_typed<Net, Config>(read_model_file(path, kind), path, build);
}

//! The words read_model_file uses for a file of another kind.
void check_kind(const model_file& file, const std::string& path, const char* kind)
{
    if (file.kind != kind)
        throw error("model file '" + path + "' holds a '" + file.kind
                    + "' network, expected '" + kind + "'");
}

jscc_codec build_jscc(const jscc_config& c) { return jscc_codec(c); }
inn build_inn(const inn_config& c) { return inn(c); }
} // namespace

jscc_codec load_jscc(const std::string& path)
{
    return load_typed<jscc_codec, jscc_config>(path, kind_jscc, build_jscc);
}

inn load_inn(const std::string& path)
{
    return load_typed<inn, inn_config>(path, kind_inn, build_inn);
}

jscc_codec load_jscc(const model_file& file, const std::string& path)
{
    check_kind(file, path, kind_jscc);
    return load_typed<jscc_codec, jscc_config>(file, path, build_jscc);
}

inn load_inn(const model_file& file, const std::string& path)
{
    check_kind(file, path, kind_inn);
    return load_typed<inn, inn_config>(file, path, build_inn);
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
