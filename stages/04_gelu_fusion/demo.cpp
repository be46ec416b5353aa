// Stage 04 demo: filled in by a later commit.
int main() { return 0; }
