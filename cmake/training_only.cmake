# SPDX-License-Identifier: GPL-3.0-or-later
# SEMSTEG_TRAINING_ONLY: the dependencies of semsteg-train alone, on a machine that may lack
# Debian's packages (a GPU machine with a pip PyTorch). Each is found installed, else taken
# from the folders given:
#   SEMSTEG_LIBTORCH_DIR  a LibTorch with include/ and lib/ (a pip PyTorch's torch/ folder):
#                         a target is made from it by hand, because a pip CUDA wheel's
#                         TorchConfig.cmake asks for a CUDA toolkit the wheel does not bring.
#                         Empty: find_package(Torch) (Debian's, or CMAKE_PREFIX_PATH's).
#   SEMSTEG_LIBTORCH_CXX11_ABI  that LibTorch's _GLIBCXX_USE_CXX11_ABI (python3 -c 'import
#                         torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))'); default: asked
#                         of python3 when it has torch, else 1.
#   SEMSTEG_HEADER_DIRS   folders with the header-only dependencies not installed: nlohmann/,
#                         CLI/, stb's stb_image.h, stb_image_resize.h, stb_image_write.h,
#                         stb_easy_font.h (Debian's versions).
#   SEMSTEG_SODIUM_DIR    libsodium as include/ (sodium.h, sodium/) and lib/ (libsodium.so*),
#                         when pkg-config does not find it.
set(SEMSTEG_LIBTORCH_DIR "" CACHE PATH "training only: a LibTorch folder (include/, lib/)")
set(SEMSTEG_HEADER_DIRS "" CACHE STRING "training only: folders of header-only dependencies")
set(SEMSTEG_SODIUM_DIR "" CACHE PATH "training only: libsodium's include/ and lib/")
find_package(PkgConfig QUIET)

if(SEMSTEG_LIBTORCH_DIR)
  if(NOT DEFINED SEMSTEG_LIBTORCH_CXX11_ABI)
    execute_process(COMMAND python3 -c
                    "import torch; print(int(torch._C._GLIBCXX_USE_CXX11_ABI))"
                    OUTPUT_VARIABLE abi OUTPUT_STRIP_TRAILING_WHITESPACE
                    RESULT_VARIABLE abi_rc ERROR_QUIET)
    if(NOT abi_rc EQUAL 0)
      set(abi 1)
    endif()
    set(SEMSTEG_LIBTORCH_CXX11_ABI ${abi} CACHE STRING "LibTorch's C++11 ABI (0 or 1)")
  endif()
  set(libdir ${SEMSTEG_LIBTORCH_DIR}/lib)
  foreach(lib torch torch_cpu c10)
    find_library(SEMSTEG_LIB_${lib} ${lib} PATHS ${libdir} NO_DEFAULT_PATH REQUIRED)
  endforeach()
  add_library(semsteg_libtorch INTERFACE IMPORTED)
  target_include_directories(semsteg_libtorch SYSTEM INTERFACE
      ${SEMSTEG_LIBTORCH_DIR}/include ${SEMSTEG_LIBTORCH_DIR}/include/torch/csrc/api/include)
  target_compile_definitions(semsteg_libtorch INTERFACE
      _GLIBCXX_USE_CXX11_ABI=${SEMSTEG_LIBTORCH_CXX11_ABI})
  set(torch_libs ${SEMSTEG_LIB_torch} ${SEMSTEG_LIB_torch_cpu} ${SEMSTEG_LIB_c10})
  # libtorch_cuda registers the GPU backend from static initialisers: link it although no
  # symbol of ours refers to it.
  if(EXISTS ${libdir}/libtorch_cuda.so)
    set(torch_libs "-Wl,--no-as-needed" ${libdir}/libtorch_cuda.so ${libdir}/libc10_cuda.so
                   "-Wl,--as-needed" ${torch_libs})
    message(STATUS "semsteg: LibTorch with CUDA at ${SEMSTEG_LIBTORCH_DIR}")
  endif()
  target_link_libraries(semsteg_libtorch INTERFACE ${torch_libs} pthread)
  set(TORCH_LIBRARIES semsteg_libtorch)
else()
  find_package(Torch REQUIRED)
endif()

# A header-only dependency: installed, else from SEMSTEG_HEADER_DIRS as an INTERFACE target.
function(semsteg_header_target target header)
  if(TARGET ${target})
    return()
  endif()
  find_path(dir_${target} ${header} PATHS ${SEMSTEG_HEADER_DIRS} NO_DEFAULT_PATH)
  if(NOT dir_${target})
    find_path(dir_${target} ${header} REQUIRED)
  endif()
  add_library(${target} INTERFACE IMPORTED GLOBAL)
  target_include_directories(${target} SYSTEM INTERFACE ${dir_${target}})
endfunction()

find_package(nlohmann_json 3 QUIET)
semsteg_header_target(nlohmann_json::nlohmann_json nlohmann/json.hpp)
find_package(CLI11 QUIET)
semsteg_header_target(CLI11::CLI11 CLI/CLI.hpp)

# stb: Debian links its implementation from libstb; otherwise it is compiled here.
if(PkgConfig_FOUND)
  pkg_check_modules(STB QUIET IMPORTED_TARGET GLOBAL stb)
endif()
if(NOT TARGET PkgConfig::STB)
  find_path(SEMSTEG_STB_DIR stb_image.h HINTS ${SEMSTEG_HEADER_DIRS} PATHS /usr/include/stb REQUIRED)
  file(WRITE ${CMAKE_BINARY_DIR}/stb_implementation.c
       "#define STB_IMAGE_IMPLEMENTATION\n#include <stb_image.h>\n"
       "#define STB_IMAGE_RESIZE_IMPLEMENTATION\n#include <stb_image_resize.h>\n"
       "#define STB_IMAGE_WRITE_IMPLEMENTATION\n#include <stb_image_write.h>\n")
  add_library(semsteg_stb STATIC ${CMAKE_BINARY_DIR}/stb_implementation.c)
  target_include_directories(semsteg_stb SYSTEM PUBLIC ${SEMSTEG_STB_DIR})
  add_library(PkgConfig::STB INTERFACE IMPORTED GLOBAL)
  target_link_libraries(PkgConfig::STB INTERFACE semsteg_stb)
endif()

if(PkgConfig_FOUND AND NOT SEMSTEG_SODIUM_DIR)
  pkg_check_modules(SODIUM QUIET IMPORTED_TARGET GLOBAL libsodium)
endif()
if(NOT TARGET PkgConfig::SODIUM)
  find_library(SEMSTEG_SODIUM_LIB sodium HINTS ${SEMSTEG_SODIUM_DIR}/lib REQUIRED)
  add_library(PkgConfig::SODIUM INTERFACE IMPORTED GLOBAL)
  target_include_directories(PkgConfig::SODIUM SYSTEM INTERFACE ${SEMSTEG_SODIUM_DIR}/include)
  target_link_libraries(PkgConfig::SODIUM INTERFACE ${SEMSTEG_SODIUM_LIB})
endif()
