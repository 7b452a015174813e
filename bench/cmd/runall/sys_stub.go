package main

func runGorgonia(s *suite) {}
func runGoMLX(s *suite)    {}
