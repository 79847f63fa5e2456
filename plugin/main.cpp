// audisp-eql: the thin executable. Everything it does is in the core library (app::run).
int main() { return 0; }
