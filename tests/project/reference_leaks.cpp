// reference_leaks SOLUTIONS_DIR TREE: exits 1, naming file and function, when the body of
// a function of the reference solutions appears in a file under TREE (the student handout).
// Bodies are compared with all whitespace removed; bodies shorter than kShortest characters
// (a one-line forwarder) are too common to mean a leak.

#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kShortest = 60;

std::string read(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string without_spaces(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c != ' ' && c != '\t' && c != '\n' && c != '\r') out += c;
  }
  return out;
}

struct Body {
  std::string function;  // the line that opens it
  std::string text;      // without spaces
};

// Function bodies: a '{' that follows ')' (and perhaps const or noexcept), outside any
// other function body, to its matching '}'. Comments and string and character literals
// are skipped when counting braces.
std::vector<Body> function_bodies(const std::string& source) {
  std::vector<Body> bodies;
  std::size_t depth = 0, body_start = 0;
  bool in_body = false;
  std::size_t body_depth = 0;
  for (std::size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    if (c == '/' && i + 1 < source.size() && source[i + 1] == '/') {
      i = source.find('\n', i);
      if (i == std::string::npos) break;
      continue;
    }
    if (c == '/' && i + 1 < source.size() && source[i + 1] == '*') {
      i = source.find("*/", i + 2);
      if (i == std::string::npos) break;
      ++i;
      continue;
    }
    if (c == '"' || c == '\'') {
      for (++i; i < source.size() && source[i] != c; ++i) {
        if (source[i] == '\\') ++i;
      }
      continue;
    }
    if (c == '{') {
      if (!in_body) {
        std::string before = source.substr(0, i);
        while (!before.empty() && std::isspace(static_cast<unsigned char>(before.back()))) before.pop_back();
        for (const char* qualifier : {"const", "noexcept", "override"}) {
          const std::string q = qualifier;
          if (before.size() >= q.size() && before.compare(before.size() - q.size(), q.size(), q) == 0) {
            before.resize(before.size() - q.size());
            while (!before.empty() && std::isspace(static_cast<unsigned char>(before.back()))) before.pop_back();
          }
        }
        if (!before.empty() && before.back() == ')') {
          in_body = true;
          body_depth = depth;
          body_start = i;
        }
      }
      ++depth;
    } else if (c == '}') {
      --depth;
      if (in_body && depth == body_depth) {
        in_body = false;
        const std::size_t line_start = source.rfind('\n', body_start) + 1;
        bodies.push_back({source.substr(line_start, body_start - line_start),
                          without_spaces(source.substr(body_start, i - body_start + 1))});
      }
    }
  }
  return bodies;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: reference_leaks SOLUTIONS_DIR TREE\n";
    return 2;
  }
  std::vector<std::pair<fs::path, Body>> bodies;
  for (const fs::directory_entry& entry : fs::recursive_directory_iterator(argv[1])) {
    if (entry.path().extension() != ".cpp") continue;
    for (Body& body : function_bodies(read(entry.path()))) {
      if (body.text.size() >= kShortest) bodies.emplace_back(entry.path(), std::move(body));
    }
  }
  int leaks = 0;
  std::size_t files = 0;
  for (auto it = fs::recursive_directory_iterator(argv[2]); it != fs::recursive_directory_iterator(); ++it) {
    if (it->is_directory() && it->path().filename() == ".git") {
      it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file()) continue;
    ++files;
    const std::string text = without_spaces(read(it->path()));
    for (const auto& [solution, body] : bodies) {
      if (text.find(body.text) != std::string::npos) {
        std::cout << it->path().string() << " holds the body of " << body.function << " from " << solution.string()
                  << '\n';
        ++leaks;
      }
    }
  }
  std::cout << "checked " << files << " files for " << bodies.size() << " reference function bodies: " << leaks
            << " found\n";
  return leaks == 0 ? 0 : 1;
}
