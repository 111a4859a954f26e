## The principal's dashboard
