"""未来邻里: neighbour groups, posts and comments, activities with sign-up, mutual help."""
