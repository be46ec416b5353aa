#include "accel/cpu_info.hpp"

#include <algorithm>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <thread>

#include <unistd.h>
#if defined(__linux__)
#include <sched.h>
#endif
#if defined(__APPLE__)
#include <sys/sysctl.h>
#endif

#include "build_info.hpp"

namespace accel {
namespace {

#if defined(__APPLE__)
std::size_t sysctl_number(const char* name) {
  std::uint64_t value = 0;
  std::size_t length = sizeof value;
  return sysctlbyname(name, &value, &length, nullptr, 0) == 0 ? std::size_t(value) : 0;
}
std::string sysctl_text(const char* name) {
  char text[256] = {};
  std::size_t length = sizeof text;
  return sysctlbyname(name, text, &length, nullptr, 0) == 0 ? std::string(text) : std::string();
}
#else
std::string proc_cpuinfo_model() {
  std::ifstream cpuinfo("/proc/cpuinfo");
  for (std::string line; std::getline(cpuinfo, line);) {
    if (line.rfind("model name", 0) == 0 || line.rfind("Model", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) return line.substr(colon + 2);
    }
  }
  return "unknown CPU";
}

// The sysfs directory of a cache level ("/sys/devices/system/cpu/cpu0/cache/index0/"), the
// data (or unified) one for L1; empty when there is none.
std::string sysfs_cache_dir(int level) {
  for (int index = 0; index < 8; ++index) {
    const std::string dir = "/sys/devices/system/cpu/cpu0/cache/index" + std::to_string(index) + "/";
    int found_level = 0;
    std::string type;
    if (!(std::ifstream(dir + "level") >> found_level) || found_level != level) continue;
    std::ifstream(dir + "type") >> type;
    if (type == "Instruction") continue;
    return dir;
  }
  return {};
}

// A number from a file of a cache's sysfs directory ("12", "64"); 0 when not there.
std::size_t sysfs_cache_number(int level, const char* file) {
  const std::string dir = sysfs_cache_dir(level);
  std::size_t value = 0;
  if (dir.empty() || !(std::ifstream(dir + file) >> value)) return 0;
  return value;
}

// Size of a cache level from sysfs ("32K", "1024K", "32768K"); 0 when not there.
std::size_t sysfs_cache_bytes(int level) {
  const std::string dir = sysfs_cache_dir(level);
  std::string size;
  if (dir.empty() || !(std::ifstream(dir + "size") >> size)) return 0;
  std::size_t bytes = std::stoul(size);
  if (size.back() == 'K') bytes *= 1024;
  if (size.back() == 'M') bytes *= 1024 * 1024;
  return bytes;
}

// sysfs first: it describes the cache this core sees, where sysconf on some AMD parts
// reports the whole package's L3 (256 MiB instead of 32 MiB).
std::size_t cache_bytes(int level) {
  if (const std::size_t bytes = sysfs_cache_bytes(level)) return bytes;
#if defined(_SC_LEVEL1_DCACHE_SIZE)
  const int names[] = {_SC_LEVEL1_DCACHE_SIZE, _SC_LEVEL2_CACHE_SIZE, _SC_LEVEL3_CACHE_SIZE};
  if (const long bytes = sysconf(names[level - 1]); bytes > 0) return std::size_t(bytes);
#endif
  return 0;
}
#endif

CpuInfo read_cpu_info() {
  CpuInfo info;
  info.logical_cores = std::thread::hardware_concurrency();
#if defined(__x86_64__) || defined(__i386__)
  info.arch = "x86_64";
  __builtin_cpu_init();
  info.sse42 = __builtin_cpu_supports("sse4.2");
  info.avx2 = __builtin_cpu_supports("avx2");
  info.fma = __builtin_cpu_supports("fma");
  info.avx512f = __builtin_cpu_supports("avx512f");
#elif defined(__aarch64__)
  info.arch = "aarch64";
  info.neon = true;  // Advanced SIMD is mandatory on AArch64
#else
  info.arch = "other";
#endif
#if defined(__APPLE__)
  info.model = sysctl_text("machdep.cpu.brand_string");
  info.l1d_bytes = sysctl_number("hw.l1dcachesize");
  info.l2_bytes = sysctl_number("hw.l2cachesize");
  info.l3_bytes = sysctl_number("hw.l3cachesize");
  info.cache_line_bytes = sysctl_number("hw.cachelinesize");
#else
  info.model = proc_cpuinfo_model();
  info.l1d_bytes = cache_bytes(1);
  info.l2_bytes = cache_bytes(2);
  info.l3_bytes = cache_bytes(3);
  info.l1d_ways = unsigned(sysfs_cache_number(1, "ways_of_associativity"));
  info.l2_ways = unsigned(sysfs_cache_number(2, "ways_of_associativity"));
  info.cache_line_bytes = sysfs_cache_number(1, "coherency_line_size");
#endif
  info.compiler = build_info::compiler;
  info.compile_flags = build_info::compile_flags;
  return info;
}

std::string kib(std::size_t bytes) { return bytes ? std::to_string(bytes / 1024) + " KiB" : "?"; }

}  // namespace

std::size_t last_cache_bytes() {
  std::size_t bytes = std::size_t{32} << 20;
#if defined(_SC_LEVEL3_CACHE_SIZE)
  if (const long l3 = sysconf(_SC_LEVEL3_CACHE_SIZE); l3 > 0) bytes = std::min(bytes, std::size_t(l3));
#endif
  return bytes;
}

unsigned usable_cores() {
#if defined(__linux__)
  cpu_set_t mask;
  if (sched_getaffinity(0, sizeof mask, &mask) == 0) return unsigned(std::max(1, CPU_COUNT(&mask)));
#endif
  return std::max(1u, std::thread::hardware_concurrency());
}

const CpuInfo& cpu_info() {
  static const CpuInfo info = read_cpu_info();
  return info;
}

std::string describe_machine() {
  const CpuInfo& info = cpu_info();
  std::ostringstream out;
  out << "CPU:      " << info.model << " (" << info.arch << ", " << info.logical_cores << " logical cores)\n";
  out << "ISA:     ";
  if (info.arch == "x86_64") {
    out << (info.sse42 ? " SSE4.2" : "") << (info.avx2 ? " AVX2" : "") << (info.fma ? " FMA" : "")
        << (info.avx512f ? " AVX-512F" : "");
  }
  if (info.neon) out << " NEON";
  out << "; compiled for " << vector_isa() << " (intrinsics branch: " << simd_path() << ")\n";
  out << "Caches:   L1d " << kib(info.l1d_bytes) << ", L2 " << kib(info.l2_bytes) << ", L3 " << kib(info.l3_bytes)
      << '\n';
  out << "Build:    " << info.compiler << ' ' << info.compile_flags << '\n';
  return out.str();
}

}  // namespace accel
