"""Checks for the exercises in the lessons: teachgrad.exercises.lessonNN.check_*(...)."""
