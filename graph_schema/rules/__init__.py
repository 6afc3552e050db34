"""Policy rules as small pure functions, each naming the article it implements."""
