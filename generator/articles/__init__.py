"""articles"""
