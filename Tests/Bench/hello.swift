// The start-up baseline of `make bench`: the least a statically linked Swift program does.
print("hello")
