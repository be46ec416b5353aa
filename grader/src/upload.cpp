#include "upload.hpp"

#include <algorithm>
#include <map>
#include <regex>

#include "builder.hpp"

namespace accel::grader {
namespace {

namespace fs = std::filesystem;

// How well a path fits a stage's source: 2 in its stages/NN_slug/ folder, 1 anywhere else.
int fit(const fs::path& relative, const StageSource& stage) {
  return relative.parent_path().filename() == fs::path(stage.id + "_" + stage.slug) ? 2 : 1;
}

// Folders a copy of the whole repository has that hold no student work.
bool skipped_folder(const fs::path& name) {
  static const std::vector<std::string> kSkipped = {"solutions", "build", ".git", "node_modules", "__MACOSX"};
  return std::ranges::find(kSkipped, name.string()) != kSkipped.end() || name.string().rfind("build-", 0) == 0;
}

}  // namespace

Upload collect_upload(const fs::path& upload, const Rubric& rubric, const fs::path& into) {
  Upload result;
  result.copy = into;
  fs::remove_all(into);
  fs::create_directories(into / "stages");
  std::vector<StageSource> stages;
  for (const Stage& stage : rubric.stages) stages.push_back({stage.id, stage.name});
  static const std::regex stage_folder(R"(([0-9][0-9])_[A-Za-z0-9_]+)");

  std::map<std::string, std::pair<int, fs::path>> best;  // stage id -> (fit, relative path)
  std::error_code error;
  for (auto entry = fs::recursive_directory_iterator(upload, fs::directory_options::skip_permission_denied, error);
       entry != fs::recursive_directory_iterator(); entry.increment(error)) {
    if (error) break;
    const fs::path relative = fs::relative(entry->path(), upload);
    if (entry->is_directory() && skipped_folder(entry->path().filename())) {
      entry.disable_recursion_pending();
      continue;
    }
    if (!entry->is_regular_file() || entry->path().extension() != ".cpp") continue;
    const std::string name = entry->path().filename().string();
    if (name == "demo.cpp" || name == "bench.cpp") continue;  // the course's own programs
    const auto stage = std::ranges::find_if(stages, [&](const StageSource& s) { return s.slug + ".cpp" == name; });
    std::smatch folder;
    const std::string parent = relative.parent_path().filename().string();
    if (stage == stages.end()) {
      if (std::regex_match(parent, folder, stage_folder) && !rubric.find_stage(folder[1].str())) {
        result.problems.push_back(relative.string() + ": the course has no stage " + folder[1].str() + "; left out");
      } else {
        result.problems.push_back(relative.string() + ": named like no stage's source file; left out");
      }
      continue;
    }
    if (entry->file_size() > kMaxSourceBytes) {
      result.problems.push_back(relative.string() + ": " + std::to_string(entry->file_size() / 1024) +
                                " KiB, over the 1 MiB a stage source may be; left out");
      continue;
    }
    const int quality = fit(relative, *stage);
    auto& [current, path] = best[stage->id];
    if (quality > current) {
      if (current > 0) result.problems.push_back(path.string() + ": " + relative.string() + " is taken instead");
      current = quality;
      path = relative;
    } else {
      result.problems.push_back(relative.string() + ": " + path.string() + " is taken instead");
    }
  }
  for (const auto& [id, choice] : best) {
    const auto stage = std::ranges::find_if(stages, [&](const StageSource& s) { return s.id == id; });
    const fs::path target = into / stage->relative_source();
    fs::create_directories(target.parent_path());
    fs::copy_file(upload / choice.second, target, fs::copy_options::overwrite_existing);
    result.taken.push_back(stage->relative_source().string() + " (from " + choice.second.string() + ")");
  }
  return result;
}

}  // namespace accel::grader
