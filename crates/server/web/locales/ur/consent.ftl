## The hosted consent page
